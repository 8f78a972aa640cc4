package org.mailroom.sieve;

/**
 * A script that does not compile: an unknown command or test, a missing {@code require}, a bad argument, an
 * unterminated string. The message starts with "line N: " so a ManageSieve client and the CLI can show it as is.
 */
public final class SieveSyntaxException extends Exception {

    private final int line;

    public SieveSyntaxException(int line, String problem) {
        super("line " + line + ": " + problem);
        this.line = line;
    }

    /** The line (1-based) of the script where the problem is. */
    public int line() {
        return line;
    }
}
