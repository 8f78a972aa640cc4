package org.mailroom.protocol.imap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses one command from the bytes {@link ImapDecoder} gathered: {@code tag SP name [SP arguments]}. It
 * knows the grammar of values (RFC 9051 section 4 and 9), not of commands: arguments come out as a tree of
 * {@link ImapValue}s that each command reads with {@link Arguments}.
 *
 * <p>Limits: lists nest at most {@link #MAX_DEPTH} deep (SEARCH trees are the deepest real clients send) and a
 * command holds at most {@link #MAX_VALUES} values, so a hostile line cannot build a huge tree.
 */
public final class ImapParser {

    public static final int MAX_DEPTH = 32;
    public static final int MAX_VALUES = 100_000;

    /** A parsed command; {@code name} in upper case. */
    public record Parsed(String tag, String name, List<ImapValue> arguments) {}

    private final byte[] in;
    private int pos;
    private int values;

    private ImapParser(byte[] in) {
        this.in = in;
    }

    /** @throws BadCommandException with the tag (if one could be read) in {@link #tagOf} */
    public static Parsed parse(byte[] command) throws BadCommandException {
        ImapParser p = new ImapParser(command);
        String tag = p.tag();
        p.expect(' ', "a space after the tag");
        String name = p.word();
        if (name.isEmpty()) throw new BadCommandException("Missing command name");
        List<ImapValue> args = new ArrayList<>();
        while (p.pos < p.in.length) {
            p.expect(' ', "a space between arguments");
            args.add(p.value(0));
        }
        return new Parsed(tag, name.toUpperCase(java.util.Locale.ROOT), args);
    }

    /** The tag a line starts with, or "*" if it has none; used to answer an unparsable command. */
    public static String tagOf(byte[] command) {
        return ImapDecoder.tagOf(command);
    }

    private String tag() throws BadCommandException {
        int start = pos;
        // tag = 1*<any ASTRING-CHAR except "+"> (RFC 9051 section 9)
        while (pos < in.length && isAtomChar(in[pos]) && in[pos] != '+' && in[pos] != ']') pos++;
        if (pos == start) throw new BadCommandException("Missing tag");
        return new String(in, start, pos - start, StandardCharsets.US_ASCII);
    }

    private String word() {
        int start = pos;
        while (pos < in.length && isAtomChar(in[pos]) && in[pos] != ']' && in[pos] != '[') pos++;
        return new String(in, start, pos - start, StandardCharsets.US_ASCII);
    }

    private ImapValue value(int depth) throws BadCommandException {
        if (++values > MAX_VALUES) throw new BadCommandException("[LIMIT] Too many arguments");
        if (pos >= in.length) throw new BadCommandException("Missing argument at the end of the line");
        byte b = in[pos];
        if (b == '(') return list(depth + 1);
        if (b == '"') return quoted();
        if (b == '{') return literal(false);
        if (b == '~' && pos + 1 < in.length && in[pos + 1] == '{') {
            pos++;
            return literal(true);
        }
        return atom();
    }

    private ImapValue.ListValue list(int depth) throws BadCommandException {
        if (depth > MAX_DEPTH) throw new BadCommandException("[LIMIT] Lists nested too deep");
        pos++; // (
        List<ImapValue> items = new ArrayList<>();
        if (pos < in.length && in[pos] == ')') {
            pos++;
            return new ImapValue.ListValue(items);
        }
        while (true) {
            items.add(value(depth));
            if (pos >= in.length) throw new BadCommandException("Unclosed list");
            if (in[pos] == ')') {
                pos++;
                return new ImapValue.ListValue(items);
            }
            expect(' ', "a space or ')' in a list");
        }
    }

    private ImapValue.Text quoted() throws BadCommandException {
        pos++; // "
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while (pos < in.length) {
            byte b = in[pos++];
            if (b == '"') return new ImapValue.Text(out.toByteArray(), false, false);
            if (b == '\\') {
                if (pos >= in.length || (in[pos] != '"' && in[pos] != '\\')) {
                    throw new BadCommandException("Bad escape in quoted string");
                }
                b = in[pos++];
            } else if (b == '\r' || b == '\n' || b == 0) {
                throw new BadCommandException("Line end in quoted string");
            }
            out.write(b);
        }
        throw new BadCommandException("Unterminated quoted string");
    }

    /** The decoder put CRLF after the announcement and the n octets after that. */
    private ImapValue.Text literal(boolean binary) throws BadCommandException {
        pos++; // {
        int start = pos;
        while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') pos++;
        if (pos == start || pos - start > 18) throw new BadCommandException("Bad literal size");
        long size = Long.parseLong(new String(in, start, pos - start, StandardCharsets.US_ASCII));
        if (pos < in.length && in[pos] == '+') pos++;
        expect('}', "'}' after the literal size");
        expect('\r', "CRLF after a literal announcement");
        expect('\n', "CRLF after a literal announcement");
        if (size > in.length - pos) throw new BadCommandException("Literal shorter than announced");
        byte[] bytes = new byte[(int) size];
        System.arraycopy(in, pos, bytes, 0, bytes.length);
        pos += bytes.length;
        return new ImapValue.Text(bytes, true, binary);
    }

    /** An atom; a '[' opens a section that runs, spaces and parentheses included, to its matching ']'. */
    private ImapValue.Atom atom() throws BadCommandException {
        int start = pos;
        while (pos < in.length) {
            byte b = in[pos];
            if (b == '[') {
                int nesting = 0;
                while (pos < in.length) {
                    byte c = in[pos++];
                    if (c == '[') nesting++;
                    else if (c == ']' && --nesting == 0) break;
                    else if (c == '\r' || c == '\n') throw new BadCommandException("Line end in a section");
                }
                if (nesting != 0) throw new BadCommandException("Unclosed '['");
                continue;
            }
            if (!isAtomChar(b) || b == ']') break;
            pos++;
        }
        if (pos == start) {
            throw new BadCommandException("Unexpected character '" + (char) in[pos] + "'");
        }
        return new ImapValue.Atom(new String(in, start, pos - start, StandardCharsets.UTF_8));
    }

    private void expect(char c, String what) throws BadCommandException {
        if (pos >= in.length || in[pos] != c) throw new BadCommandException("Expected " + what);
        pos++;
    }

    /**
     * ATOM-CHAR plus what atoms of real commands carry: '\' (flags), '*' and '%' (sequence sets, LIST
     * patterns), and 8-bit octets (UTF-8 mailbox names sent as atoms by some clients).
     */
    private static boolean isAtomChar(byte b) {
        if (b < 0) return true;
        if (b <= ' ' || b == 127) return false;
        return b != '(' && b != ')' && b != '{' && b != '"';
    }
}
