package org.mailroom.protocol.managesieve;

import java.util.Set;
import org.mailroom.sieve.SieveCompiler;
import org.mailroom.sieve.SieveSyntaxException;

/**
 * What ManageSieve needs of the Sieve language: the extensions to announce and a check of an uploaded script.
 * The server passes {@link #of(SieveCompiler)}; protocol tests pass a small stand-in, so that they test the
 * protocol and not the language.
 */
public interface ScriptCompiler {

    /** The SIEVE capability: extension names as a {@code require} names them. */
    Set<String> extensions();

    /** @throws SieveSyntaxException with "line N: ..." for a script that does not compile */
    void check(String name, String text) throws SieveSyntaxException;

    static ScriptCompiler of(SieveCompiler compiler) {
        return new ScriptCompiler() {
            @Override
            public Set<String> extensions() {
                return SieveCompiler.extensions();
            }

            @Override
            public void check(String name, String text) throws SieveSyntaxException {
                compiler.compile(name, text);
            }
        };
    }
}
