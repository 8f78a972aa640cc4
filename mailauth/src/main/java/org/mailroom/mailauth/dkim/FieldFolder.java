package org.mailroom.mailauth.dkim;

import java.util.List;

/**
 * Writes a signature header field (DKIM-Signature, ARC-Message-Signature, ARC-Seal) folded into lines of at most
 * 77 characters (RFC 5322 section 2.1.1 recommends 78 with the CRLF), breaking between tags, between the names of
 * {@code h=} and anywhere inside base64 values, where RFC 6376 section 3.2 allows folding whitespace.
 *
 * <p>Usage: {@link #tag} each tag but {@code b=}, then {@link #unsigned()} is the field as hashed (ending in
 * "b="); {@link #signed} appends the signature. Both share the text before the signature, byte for byte, so what
 * was hashed is what is sent.
 */
public final class FieldFolder {

    private static final int MAX = 77;

    private final StringBuilder text = new StringBuilder(512);
    private int lineLength;
    private boolean first = true;

    public FieldFolder(String fieldName) {
        text.append(fieldName).append(':');
        lineLength = text.length();
    }

    /** Adds {@code name=value;}; an {@code h=} value may break after its colons, a base64 value anywhere. */
    public FieldFolder tag(String name, String value) {
        if (name.equals("h")) {
            List<String> names = List.of(value.split(":"));
            for (int i = 0; i < names.size(); i++) {
                String atom = (i == 0 ? "h=" : "") + names.get(i) + (i == names.size() - 1 ? ";" : ":");
                atom(atom, i == 0);
            }
        } else if (name.equals("bh")) {
            atom("bh=", true);
            base64(value + ";");
        } else {
            atom(name + "=" + value + ";", true);
        }
        first = false;
        return this;
    }

    /** The field as it is hashed: every tag, then "b=" with no value. */
    public String unsigned() {
        atom("b=", !first);
        return text.toString();
    }

    /** The complete field, ending in CRLF; call after {@link #unsigned()}. */
    public String signed(String base64Signature) {
        base64(base64Signature);
        return text.append("\r\n").toString();
    }

    private void atom(String atom, boolean spaceBefore) {
        int needed = atom.length() + (spaceBefore ? 1 : 0);
        if (lineLength + needed > MAX && lineLength > 1) {
            text.append("\r\n ");
            lineLength = 1;
        } else if (spaceBefore) {
            text.append(' ');
            lineLength++;
        }
        text.append(atom);
        lineLength += atom.length();
    }

    private void base64(String value) {
        int i = 0;
        while (i < value.length()) {
            if (lineLength >= MAX) {
                text.append("\r\n ");
                lineLength = 1;
            }
            int take = Math.min(MAX - lineLength, value.length() - i);
            text.append(value, i, i + take);
            lineLength += take;
            i += take;
        }
    }
}
