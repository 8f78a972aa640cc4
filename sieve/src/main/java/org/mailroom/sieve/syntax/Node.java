package org.mailroom.sieve.syntax;

import java.util.List;

/**
 * A command or a test as parsed, before any meaning is given to it: its name, its arguments, its tests (one test,
 * or a test list), and for a command its block ({@code null} when it ended with ";").
 */
public record Node(String name, List<Argument> arguments, List<Node> tests, List<Node> block, int line) {
    public Node {
        arguments = List.copyOf(arguments);
        tests = List.copyOf(tests);
        block = block == null ? null : List.copyOf(block);
    }
}
