package org.mailroom.mailauth.dkim;

import java.util.Locale;

/**
 * The two canonicalizations of RFC 6376 section 3.4, for header fields here and for bodies in {@link BodyHasher}.
 * ARC uses the same (RFC 8617 section 4.1.3: the seal always "relaxed").
 */
public enum Canonicalization {
    /** Section 3.4.1 and 3.4.3: the field as it is; the body with empty lines at its end removed. */
    SIMPLE("simple"),
    /** Section 3.4.2 and 3.4.4: whitespace squeezed, names lower-cased, unfolded; trailing whitespace dropped. */
    RELAXED("relaxed");

    private final String tag;

    Canonicalization(String tag) {
        this.tag = tag;
    }

    /** The name in the {@code c=} tag. */
    public String tag() {
        return tag;
    }

    public static Canonicalization of(String tag) {
        for (Canonicalization c : values()) {
            if (c.tag.equals(tag)) {
                return c;
            }
        }
        return null;
    }

    /** The canonical form of one header field, CRLF included. */
    public String header(HeaderSection.Field field) {
        return header(field.raw());
    }

    /** The canonical form of one header field given as its raw text (without final CRLF), CRLF included. */
    public String header(String raw) {
        if (this == SIMPLE) {
            return raw + "\r\n";
        }
        int colon = raw.indexOf(':');
        String name = colon < 0 ? raw : raw.substring(0, colon);
        String value = colon < 0 ? "" : raw.substring(colon + 1);
        StringBuilder out = new StringBuilder(raw.length() + 2);
        out.append(name.stripTrailing().toLowerCase(Locale.ROOT)).append(':');
        boolean pendingSpace = false;
        boolean started = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n') {
                continue; // unfolding: the CRLF goes, the whitespace after it is squeezed below
            }
            if (c == ' ' || c == '\t') {
                pendingSpace = started;
                continue;
            }
            if (pendingSpace) {
                out.append(' ');
                pendingSpace = false;
            }
            out.append(c);
            started = true;
        }
        return out.append("\r\n").toString();
    }
}
