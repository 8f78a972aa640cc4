package org.mailroom.core.mime;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The fields of one header block, in order, with values unfolded (RFC 5322 section 2.2.3: CRLF before WSP
 * removed) and trimmed. Values are UTF-8 when the bytes are valid UTF-8 (RFC 6532) and ISO-8859-1
 * otherwise, so a legacy 8-bit header still shows its letters instead of replacement characters.
 * RFC 2047 encoded words stay as they are: IMAP's ENVELOPE wants them raw.
 */
final class HeaderFields {

    record Field(String name, String value) {}

    private final List<Field> fields;

    private HeaderFields(List<Field> fields) {
        this.fields = fields;
    }

    static HeaderFields parse(byte[] block, int length) {
        List<Field> out = new ArrayList<>();
        int i = 0;
        while (i < length) {
            int start = i;
            // one field: this line and the continuation lines (starting with SP or HTAB) that follow
            int end = lineEnd(block, i, length);
            while (end < length && (block[end] == ' ' || block[end] == '\t')) end = lineEnd(block, end, length);
            i = end;
            int colon = -1;
            for (int j = start; j < end && block[j] != '\n'; j++) {
                if (block[j] == ':') {
                    colon = j;
                    break;
                }
            }
            if (colon <= start) continue; // a line that is no field (or an empty name): ignored
            String name = new String(block, start, colon - start, StandardCharsets.ISO_8859_1).trim();
            if (name.isEmpty()) continue;
            out.add(new Field(name, unfold(block, colon + 1, end)));
        }
        return new HeaderFields(out);
    }

    private static int lineEnd(byte[] b, int i, int length) {
        while (i < length && b[i] != '\n') i++;
        return i < length ? i + 1 : length;
    }

    private static String unfold(byte[] b, int from, int to) {
        byte[] v = new byte[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            if (b[i] != '\r' && b[i] != '\n') v[n++] = b[i];
        }
        return decode(v, n).strip();
    }

    /** UTF-8 if valid, else ISO-8859-1. */
    static String decode(byte[] v, int n) {
        boolean ascii = true;
        for (int i = 0; i < n && ascii; i++) ascii = v[i] >= 0;
        if (ascii) return new String(v, 0, n, StandardCharsets.ISO_8859_1);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(v, 0, n)).toString();
        } catch (CharacterCodingException e) {
            return new String(v, 0, n, StandardCharsets.ISO_8859_1);
        }
    }

    /** The value of the first field of that name (case-insensitive), or null. */
    String first(String name) {
        for (Field f : fields) {
            if (f.name.equalsIgnoreCase(name)) return f.value;
        }
        return null;
    }

    List<Field> all() {
        return fields;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
