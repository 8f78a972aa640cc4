package org.mailroom.sieve;

import java.util.Set;
import org.mailroom.sieve.run.CompiledScript;
import org.mailroom.sieve.script.Checker;
import org.mailroom.sieve.script.Grammar;
import org.mailroom.sieve.syntax.Parser;

/**
 * Turns Sieve text into a {@link SieveScript}. Compiling checks everything that can be checked without a message
 * (syntax, {@code require}d extensions, argument types, regular expressions, mailbox names as UTF-8), so that a
 * script that compiled fails at run time only on what depends on the message or the store.
 *
 * <p>Thread-safe; a compiled script is immutable and may run on many threads at once.
 */
public final class SieveCompiler {

    /**
     * The extensions this interpreter implements, as a {@code require} names them; ManageSieve announces them in
     * its SIEVE capability.
     */
    public static Set<String> extensions() {
        return Grammar.EXTENSIONS;
    }

    /**
     * @param name the script's name (for log lines and errors)
     * @param text the script, as uploaded (UTF-8 decoded)
     * @throws SieveSyntaxException with the line of the first problem found
     */
    public SieveScript compile(String name, String text) throws SieveSyntaxException {
        return new CompiledScript(Checker.check(name, Parser.parse(text)));
    }
}
