package org.mailroom.sieve.run;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mailroom.sieve.script.Program;

/** The variables of one script (RFC 6609: each included script has its own, plus the declared globals). */
final class Frame {

    /** Whether the script requires "variables": without it, "${...}" is plain text (RFC 5229 section 3). */
    final boolean variables;
    final Map<String, String> locals = new HashMap<>();
    final Set<String> globalNames = new HashSet<>();
    /** ${0} to ${9} of the last match that set them (RFC 5229 section 3.2). */
    List<String> matchVariables = List.of();

    Frame(Program program) {
        this.variables = program.variables();
    }
}
