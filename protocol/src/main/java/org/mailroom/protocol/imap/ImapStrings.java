package org.mailroom.protocol.imap;

import java.nio.charset.StandardCharsets;

/** How strings go into responses (RFC 9051 section 4.3): quoted when that is possible, else a literal. */
public final class ImapStrings {

    private ImapStrings() {}

    /** NIL, a quoted string, or a literal for text with line ends or 8-bit characters. */
    public static String nstring(String s) {
        return s == null ? "NIL" : string(s);
    }

    public static String string(String s) {
        boolean literal = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c == 0 || c > 0x7e) {
                literal = true;
                break;
            }
        }
        if (literal) return "{" + s.getBytes(StandardCharsets.UTF_8).length + "}\r\n" + s;
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * A quoted string that may hold UTF-8 (RFC 6855 section 4 allows UTF-8 in quoted strings once UTF8=ACCEPT is
     * enabled); a literal only for line ends and NUL.
     */
    public static String utf8(String s) {
        if (s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\0') >= 0) {
            return "{" + s.getBytes(StandardCharsets.UTF_8).length + "}\r\n" + s;
        }
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A mailbox name as the client sees it: modified UTF-7, quoted. */
    public static String mailbox(String name) {
        return string(ModifiedUtf7.encode(name));
    }
}
