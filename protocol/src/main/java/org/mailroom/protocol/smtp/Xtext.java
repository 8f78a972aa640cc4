package org.mailroom.protocol.smtp;

/** The xtext encoding of DSN parameters (RFC 3461 section 4): printable ASCII, with {@code +XX} for the rest. */
final class Xtext {

    private Xtext() {}

    /** Decodes xtext; null if it is not valid xtext. */
    static String decode(String text) {
        if (text == null) return null;
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '+') {
                if (i + 2 >= text.length()) return null;
                int hi = Character.digit(text.charAt(i + 1), 16);
                int lo = Character.digit(text.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) return null;
                out.append((char) (hi * 16 + lo));
                i += 2;
            } else if (c < '!' || c > '~' || c == '=') {
                return null;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
