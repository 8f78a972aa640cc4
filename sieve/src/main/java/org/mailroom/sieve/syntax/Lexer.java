package org.mailroom.sieve.syntax;

import org.mailroom.sieve.SieveSyntaxException;

/**
 * Splits a script into tokens (RFC 5228 section 8.1): identifiers, tags, numbers with K/M/G, quoted strings
 * (with {@code \\} and {@code \"}; any other backslash pair stands for its second character, section 2.4.2),
 * multi-line strings ({@code text:} up to a line holding a lone dot, with dot-stuffing undone), hash and bracket
 * comments. Line ends inside strings become CRLF whatever the script used, so a reason text is a valid mail body.
 */
final class Lexer {

    /** A string longer than this is refused: a script is a filter, not a mail store. */
    static final int MAX_STRING = 1 << 20;

    private final String s;
    private int pos;
    private int line = 1;

    Lexer(String text) {
        this.s = text;
    }

    Token next() throws SieveSyntaxException {
        skipWhiteSpaceAndComments();
        if (pos >= s.length()) return new Token(Token.Kind.END, "", 0, line);
        char c = s.charAt(pos);
        int at = line;
        switch (c) {
            case '[': pos++; return new Token(Token.Kind.LEFT_BRACKET, "[", 0, at);
            case ']': pos++; return new Token(Token.Kind.RIGHT_BRACKET, "]", 0, at);
            case '(': pos++; return new Token(Token.Kind.LEFT_PAREN, "(", 0, at);
            case ')': pos++; return new Token(Token.Kind.RIGHT_PAREN, ")", 0, at);
            case '{': pos++; return new Token(Token.Kind.LEFT_BRACE, "{", 0, at);
            case '}': pos++; return new Token(Token.Kind.RIGHT_BRACE, "}", 0, at);
            case ';': pos++; return new Token(Token.Kind.SEMICOLON, ";", 0, at);
            case ',': pos++; return new Token(Token.Kind.COMMA, ",", 0, at);
            case '"': return quoted();
            case ':':
                pos++;
                if (pos >= s.length() || !identifierStart(s.charAt(pos))) {
                    throw new SieveSyntaxException(at, "':' must start a tag such as :is");
                }
                return new Token(Token.Kind.TAG, identifier(), 0, at);
            default:
                break;
        }
        if (c >= '0' && c <= '9') return number();
        if (identifierStart(c)) {
            String id = identifier();
            if (id.equalsIgnoreCase("text") && pos < s.length() && s.charAt(pos) == ':') {
                pos++;
                return multiLine(at);
            }
            return new Token(Token.Kind.IDENTIFIER, id, 0, at);
        }
        throw new SieveSyntaxException(at, "unexpected character '" + printable(c) + "'");
    }

    private void skipWhiteSpaceAndComments() throws SieveSyntaxException {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == '\n') {
                line++;
                pos++;
            } else if (c == ' ' || c == '\t' || c == '\r') {
                pos++;
            } else if (c == '#') {
                while (pos < s.length() && s.charAt(pos) != '\n') pos++;
            } else if (c == '/' && pos + 1 < s.length() && s.charAt(pos + 1) == '*') {
                int start = line;
                pos += 2;
                while (true) {
                    if (pos + 1 >= s.length()) throw new SieveSyntaxException(start, "unterminated comment");
                    if (s.charAt(pos) == '*' && s.charAt(pos + 1) == '/') {
                        pos += 2;
                        break;
                    }
                    if (s.charAt(pos) == '\n') line++;
                    pos++;
                }
            } else {
                return;
            }
        }
    }

    private Token quoted() throws SieveSyntaxException {
        int start = line;
        pos++;
        StringBuilder b = new StringBuilder();
        while (true) {
            if (pos >= s.length()) throw new SieveSyntaxException(start, "unterminated string");
            char c = s.charAt(pos++);
            if (c == '"') break;
            if (c == '\\') {
                if (pos >= s.length()) throw new SieveSyntaxException(start, "unterminated string");
                c = s.charAt(pos++);
                if (c == '\n') line++;
                b.append(c);
            } else if (c == '\r') {
                // kept only as part of a CRLF, added below
            } else if (c == '\n') {
                line++;
                b.append("\r\n");
            } else {
                b.append(c);
            }
            if (b.length() > MAX_STRING) throw new SieveSyntaxException(start, "string too long");
        }
        return new Token(Token.Kind.STRING, b.toString(), 0, start);
    }

    /** After {@code text:}: white space, an optional hash comment, the line end; then lines up to ".". */
    private Token multiLine(int start) throws SieveSyntaxException {
        while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) pos++;
        if (pos < s.length() && s.charAt(pos) == '#') {
            while (pos < s.length() && s.charAt(pos) != '\n') pos++;
        }
        if (pos < s.length() && s.charAt(pos) == '\r') pos++;
        if (pos >= s.length() || s.charAt(pos) != '\n') {
            throw new SieveSyntaxException(start, "text: must be followed by the end of the line");
        }
        pos++;
        line++;
        StringBuilder b = new StringBuilder();
        while (true) {
            if (pos >= s.length()) throw new SieveSyntaxException(start, "unterminated multi-line string (no line with a lone '.')");
            int end = s.indexOf('\n', pos);
            int next = end < 0 ? s.length() : end + 1;
            int contentEnd = end < 0 ? s.length() : end;
            if (contentEnd > pos && s.charAt(contentEnd - 1) == '\r') contentEnd--;
            String l = s.substring(pos, contentEnd);
            pos = next;
            if (end >= 0) line++;
            if (l.equals(".")) break;
            if (end < 0) throw new SieveSyntaxException(start, "unterminated multi-line string (no line with a lone '.')");
            b.append(l.startsWith("..") ? l.substring(1) : l).append("\r\n");
            if (b.length() > MAX_STRING) throw new SieveSyntaxException(start, "string too long");
        }
        return new Token(Token.Kind.STRING, b.toString(), 0, start);
    }

    private Token number() throws SieveSyntaxException {
        int at = line;
        long v = 0;
        while (pos < s.length() && Character.isDigit(s.charAt(pos)) && s.charAt(pos) < 128) {
            v = v * 10 + (s.charAt(pos++) - '0');
            if (v > Integer.MAX_VALUE * 1024L * 1024L) throw new SieveSyntaxException(at, "number too large");
        }
        if (pos < s.length()) {
            char u = Character.toUpperCase(s.charAt(pos));
            long m = u == 'K' ? 1024L : u == 'M' ? 1024L * 1024 : u == 'G' ? 1024L * 1024 * 1024 : 1;
            if (m > 1) {
                pos++;
                v *= m;
            }
        }
        if (pos < s.length() && identifierStart(s.charAt(pos))) {
            throw new SieveSyntaxException(at, "bad number suffix '" + printable(s.charAt(pos)) + "'");
        }
        return new Token(Token.Kind.NUMBER, Long.toString(v), v, at);
    }

    private String identifier() {
        int start = pos;
        while (pos < s.length() && (identifierStart(s.charAt(pos)) || Character.isDigit(s.charAt(pos)) && s.charAt(pos) < 128)) pos++;
        return s.substring(start, pos);
    }

    private static boolean identifierStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
    }

    private static String printable(char c) {
        return c < 32 || c == 127 ? String.format("\\x%02x", (int) c) : String.valueOf(c);
    }
}
