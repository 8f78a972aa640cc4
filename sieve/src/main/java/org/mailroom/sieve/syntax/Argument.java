package org.mailroom.sieve.syntax;

import java.util.List;

/** One argument as written (RFC 5228 section 2.6): a tag, a number, a string or a string list. */
public sealed interface Argument {

    int line();

    record Tag(String name, int line) implements Argument {}

    record Number(long value, int line) implements Argument {}

    /** A string ({@code list} false, one value) or a string list in brackets. */
    record Strings(List<String> values, boolean list, int line) implements Argument {
        public Strings {
            values = List.copyOf(values);
        }
    }
}
