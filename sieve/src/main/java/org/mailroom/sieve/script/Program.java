package org.mailroom.sieve.script;

import java.util.List;
import java.util.Set;

/** A checked script: the extensions it required and its commands. Immutable. */
public record Program(String name, Set<String> extensions, List<Call> commands) {

    public Program {
        extensions = Set.copyOf(extensions);
        commands = List.copyOf(commands);
    }

    /** Whether strings hold variable references to expand at run time (RFC 5229). */
    public boolean variables() {
        return extensions.contains("variables");
    }
}
