package org.mailroom.core.mime;

import java.nio.charset.StandardCharsets;

/**
 * Writes IMAP strings (RFC 9051 section 4.3): a quoted string when the value allows it, a literal
 * otherwise. Literal lengths count UTF-8 octets: the IMAP server writes the whole response as UTF-8.
 * Non-ASCII text goes into a literal, which IMAP4rev1 clients accept as 8-bit data and IMAP4rev2
 * clients as UTF-8 (a quoted string must be 7-bit for rev1, RFC 3501 section 4.3).
 */
final class ImapText {

    private ImapText() {}

    static void nstring(StringBuilder out, String value) {
        if (value == null) {
            out.append("NIL");
        } else {
            string(out, value);
        }
    }

    static void string(StringBuilder out, String value) {
        boolean quotable = value.length() <= 1024;
        for (int i = 0; i < value.length() && quotable; i++) {
            char c = value.charAt(i);
            quotable = c >= 32 && c < 127 || c == '\t';
        }
        if (quotable) {
            out.append('"');
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '"' || c == '\\') out.append('\\');
                out.append(c);
            }
            out.append('"');
        } else {
            out.append('{').append(value.getBytes(StandardCharsets.UTF_8).length).append("}\r\n").append(value);
        }
    }
}
