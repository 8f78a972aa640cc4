package org.mailroom.mailauth.dkim;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The header section of a message, read from the front of a stream and held in memory (bounded), with the stream
 * left at the first octet of the body: what DKIM and ARC sign and verify, read once.
 *
 * <p>Each field is kept exactly as it came (folding included) as an ISO-8859-1 string, one char per octet, so that
 * "simple" canonicalization gives back the original bytes. Line ends may be CRLF or a bare LF (a message read from
 * a file); a field's folded lines are joined with CRLF either way, as they would be sent.
 *
 * <p>Pitfall: the section is capped ({@link #MAX_BYTES}); past the cap {@link #tooLarge()} is true and the fields
 * read so far are not the whole header, so no signature may be judged on them.
 */
public final class HeaderSection {

    /** RFC 5322 sets no limit; 1 MiB is far beyond any real header section and bounds what one message can hold. */
    public static final int MAX_BYTES = 1 << 20;

    /**
     * One header field.
     *
     * @param name the field name as written (trailing whitespace before the colon removed), "" for a line that is
     *             not a field
     * @param raw  the whole field, name, colon and value, folded lines joined by CRLF, without the final CRLF
     */
    public record Field(String name, String raw) {

        public String lowerName() {
            return name.toLowerCase(Locale.ROOT);
        }

        /** The value: everything after the colon, as written. */
        public String value() {
            int colon = raw.indexOf(':');
            return colon < 0 ? "" : raw.substring(colon + 1);
        }

        /** The field's octets as they were read. */
        public byte[] bytes() {
            return raw.getBytes(StandardCharsets.ISO_8859_1);
        }

        public static Field of(String raw) {
            int colon = raw.indexOf(':');
            String name = colon < 0 ? "" : raw.substring(0, colon).stripTrailing();
            return new Field(name, raw);
        }
    }

    private final List<Field> fields;
    private final boolean tooLarge;
    private final InputStream body;

    private HeaderSection(List<Field> fields, boolean tooLarge, InputStream body) {
        this.fields = List.copyOf(fields);
        this.tooLarge = tooLarge;
        this.body = body;
    }

    /** Reads the header section; the returned object's {@link #body()} continues where it stopped. */
    public static HeaderSection read(InputStream message) throws IOException {
        return read(message, MAX_BYTES);
    }

    static HeaderSection read(InputStream message, int maxBytes) throws IOException {
        InputStream in = message instanceof BufferedInputStream ? message : new BufferedInputStream(message, 65536);
        List<Field> fields = new ArrayList<>();
        StringBuilder current = null;
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        long total = 0;
        while (true) {
            line.reset();
            int c;
            boolean eof = false;
            while (true) {
                c = in.read();
                if (c < 0) {
                    eof = true;
                    break;
                }
                if (++total > maxBytes) {
                    return new HeaderSection(fields, true, in);
                }
                if (c == '\n') {
                    break;
                }
                line.write(c);
            }
            byte[] bytes = line.toByteArray();
            int len = bytes.length;
            if (!eof && len > 0 && bytes[len - 1] == '\r') {
                len--;
            }
            String text = new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            if (eof && text.isEmpty()) {
                break;
            }
            if (text.isEmpty()) {
                break; // the empty line between header and body
            }
            char first = text.charAt(0);
            if ((first == ' ' || first == '\t') && current != null) {
                current.append("\r\n").append(text);
            } else {
                if (current != null) {
                    fields.add(Field.of(current.toString()));
                }
                current = new StringBuilder(text);
            }
            if (eof) {
                break;
            }
        }
        if (current != null) {
            fields.add(Field.of(current.toString()));
        }
        return new HeaderSection(fields, false, in);
    }

    /** The fields, top first. */
    public List<Field> fields() {
        return fields;
    }

    public boolean tooLarge() {
        return tooLarge;
    }

    /** The rest of the stream: the body. */
    public InputStream body() {
        return body;
    }

    /** The fields of a name (case-insensitive), top first. */
    public List<Field> named(String name) {
        List<Field> found = new ArrayList<>();
        for (Field f : fields) {
            if (f.name().equalsIgnoreCase(name)) {
                found.add(f);
            }
        }
        return found;
    }

    /** How many fields of a name there are. */
    public int count(String name) {
        int n = 0;
        for (Field f : fields) {
            if (f.name().equalsIgnoreCase(name)) {
                n++;
            }
        }
        return n;
    }

    /**
     * The fields a signature's {@code h=} list selects, in the list's order (RFC 6376 section 5.4.2): each name
     * takes the bottom-most instance not taken yet; a name with no instance left selects nothing (the "null
     * string"), which is how a signature listing a name once more than it occurs forbids adding one.
     */
    public List<Field> select(List<String> names) {
        Map<String, List<Field>> byName = new HashMap<>();
        for (Field f : fields) {
            byName.computeIfAbsent(f.lowerName(), k -> new ArrayList<>()).add(f);
        }
        Map<String, Integer> taken = new HashMap<>();
        List<Field> selected = new ArrayList<>(names.size());
        for (String name : names) {
            String key = name.toLowerCase(Locale.ROOT);
            List<Field> instances = byName.getOrDefault(key, List.of());
            int used = taken.getOrDefault(key, 0);
            if (used < instances.size()) {
                selected.add(instances.get(instances.size() - 1 - used));
            }
            taken.put(key, used + 1);
        }
        return selected;
    }
}
