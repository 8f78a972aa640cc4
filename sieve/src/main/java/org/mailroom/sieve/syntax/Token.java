package org.mailroom.sieve.syntax;

/**
 * One lexical token of RFC 5228 section 8.1. {@code text} is the identifier or tag name (without the colon), the
 * string's value (escapes and dot-stuffing already undone), or the punctuation character; {@code number} the
 * value of a number with its K/M/G suffix applied.
 */
record Token(Kind kind, String text, long number, int line) {

    enum Kind { IDENTIFIER, TAG, NUMBER, STRING, LEFT_BRACKET, RIGHT_BRACKET, LEFT_PAREN, RIGHT_PAREN,
        LEFT_BRACE, RIGHT_BRACE, SEMICOLON, COMMA, END }

    String describe() {
        return switch (kind) {
            case IDENTIFIER -> "identifier " + text;
            case TAG -> "tag :" + text;
            case NUMBER -> "number " + number;
            case STRING -> "string";
            case END -> "end of script";
            default -> "'" + text + "'";
        };
    }
}
