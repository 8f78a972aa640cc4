package org.mailroom.sieve.syntax;

import java.util.ArrayList;
import java.util.List;
import org.mailroom.sieve.SieveSyntaxException;

/**
 * The grammar of RFC 5228 section 8.2, by recursive descent:
 * <pre>
 * commands  = *command
 * command   = identifier arguments (";" / block)
 * block     = "{" commands "}"
 * arguments = *argument [ test / test-list ]
 * argument  = string-list / number / tag
 * test      = identifier arguments
 * test-list = "(" test *("," test) ")"
 * </pre>
 * Nesting is bounded so that a hostile script cannot overflow the stack of whoever compiles it.
 */
public final class Parser {

    static final int MAX_NESTING = 64;

    private final Lexer lexer;
    private Token current;
    private int depth;

    private Parser(String text) throws SieveSyntaxException {
        this.lexer = new Lexer(text);
        this.current = lexer.next();
    }

    /** The commands of a whole script. */
    public static List<Node> parse(String text) throws SieveSyntaxException {
        Parser p = new Parser(text);
        List<Node> commands = p.commands();
        if (p.current.kind() != Token.Kind.END) {
            throw new SieveSyntaxException(p.current.line(), "unexpected " + p.current.describe() + " (a '}' too many?)");
        }
        return commands;
    }

    private List<Node> commands() throws SieveSyntaxException {
        List<Node> out = new ArrayList<>();
        while (current.kind() == Token.Kind.IDENTIFIER) out.add(command());
        return out;
    }

    private Node command() throws SieveSyntaxException {
        Token name = advance();
        List<Argument> args = arguments();
        List<Node> tests = testsAfterArguments();
        List<Node> block = null;
        if (current.kind() == Token.Kind.SEMICOLON) {
            advance();
        } else if (current.kind() == Token.Kind.LEFT_BRACE) {
            int open = current.line();
            advance();
            enter(open);
            block = commands();
            depth--;
            if (current.kind() != Token.Kind.RIGHT_BRACE) {
                throw new SieveSyntaxException(current.line(), "expected '}' to close the block opened on line " + open
                        + ", found " + current.describe());
            }
            advance();
        } else {
            throw new SieveSyntaxException(current.kind() == Token.Kind.END ? name.line() : current.line(),
                    "expected ';' or a block after command " + name.text() + ", found " + current.describe());
        }
        return new Node(name.text().toLowerCase(java.util.Locale.ROOT), args, tests, block, name.line());
    }

    private List<Argument> arguments() throws SieveSyntaxException {
        List<Argument> args = new ArrayList<>();
        while (true) {
            switch (current.kind()) {
                case TAG -> {
                    Token t = advance();
                    args.add(new Argument.Tag(t.text().toLowerCase(java.util.Locale.ROOT), t.line()));
                }
                case NUMBER -> {
                    Token t = advance();
                    args.add(new Argument.Number(t.number(), t.line()));
                }
                case STRING -> {
                    Token t = advance();
                    args.add(new Argument.Strings(List.of(t.text()), false, t.line()));
                }
                case LEFT_BRACKET -> args.add(stringList());
                default -> {
                    return args;
                }
            }
        }
    }

    private Argument.Strings stringList() throws SieveSyntaxException {
        int line = advance().line();
        List<String> values = new ArrayList<>();
        while (true) {
            if (current.kind() != Token.Kind.STRING) {
                throw new SieveSyntaxException(current.line(), "expected a string in the list, found " + current.describe());
            }
            values.add(advance().text());
            if (current.kind() == Token.Kind.COMMA) {
                advance();
            } else if (current.kind() == Token.Kind.RIGHT_BRACKET) {
                advance();
                return new Argument.Strings(values, true, line);
            } else {
                throw new SieveSyntaxException(current.line(), "expected ',' or ']' in a string list, found " + current.describe());
            }
        }
    }

    private List<Node> testsAfterArguments() throws SieveSyntaxException {
        if (current.kind() == Token.Kind.IDENTIFIER) return List.of(test());
        if (current.kind() != Token.Kind.LEFT_PAREN) return List.of();
        int open = advance().line();
        enter(open);
        List<Node> tests = new ArrayList<>();
        while (true) {
            if (current.kind() != Token.Kind.IDENTIFIER) {
                throw new SieveSyntaxException(current.line(), "expected a test, found " + current.describe());
            }
            tests.add(test());
            if (current.kind() == Token.Kind.COMMA) {
                advance();
            } else if (current.kind() == Token.Kind.RIGHT_PAREN) {
                advance();
                depth--;
                return tests;
            } else {
                throw new SieveSyntaxException(current.line(), "expected ',' or ')' in a test list, found " + current.describe());
            }
        }
    }

    private Node test() throws SieveSyntaxException {
        Token name = advance();
        enter(name.line());
        List<Argument> args = arguments();
        List<Node> tests = testsAfterArguments();
        depth--;
        return new Node(name.text().toLowerCase(java.util.Locale.ROOT), args, tests, null, name.line());
    }

    private void enter(int line) throws SieveSyntaxException {
        if (++depth > MAX_NESTING) throw new SieveSyntaxException(line, "nested too deeply (more than " + MAX_NESTING + " levels)");
    }

    private Token advance() throws SieveSyntaxException {
        Token t = current;
        current = lexer.next();
        return t;
    }
}
