package org.mailroom.core.mime;

/**
 * A quoted-string as header fields write it (RFC 5322 section 3.2.4; MIME parameter values, RFC 2045 section 5.1,
 * use the same): read leniently, as received mail needs, to its closing quote or the end of the text.
 */
final class QuotedString {

    private QuotedString() {
    }

    /**
     * Appends the content of the quoted string whose opening quote is at {@code open} to {@code content}, without
     * the quotes and with quoted-pairs undone.
     *
     * @return where reading goes on: after the closing quote, or the end of the text if there is none
     */
    static int read(String text, int open, StringBuilder content) {
        int i = open + 1;
        while (i < text.length()) {
            char c = text.charAt(i++);
            if (c == '"') break;
            if (c == '\\' && i < text.length()) c = text.charAt(i++);
            content.append(c);
        }
        return i;
    }
}
