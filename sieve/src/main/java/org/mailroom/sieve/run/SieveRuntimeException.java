package org.mailroom.sieve.run;

/** A run-time error of a script (RFC 5228 section 2.10.6): the run ends with the implicit keep. */
final class SieveRuntimeException extends RuntimeException {
    SieveRuntimeException(int line, String problem) {
        super("line " + line + ": " + problem, null, false, false);
    }
}
