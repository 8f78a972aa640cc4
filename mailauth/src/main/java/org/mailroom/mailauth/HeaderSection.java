package org.mailroom.mailauth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The header section of a message, read from the front of a stream up to the empty line (or a cap, past which a
 * flood of header lines is not ours to hold), and its fields unfolded.
 *
 * @param bytes  exactly the bytes read, including the empty line when it was reached: whoever reads the rest of
 *               the stream puts these back in front
 * @param fields the fields in order, names as written, values unfolded (CRLF before whitespace removed)
 */
record HeaderSection(byte[] bytes, List<Field> fields) {

    record Field(String name, String value) {
        boolean is(String other) {
            return name.equalsIgnoreCase(other);
        }
    }

    /** Reads up to the end of the header section or {@code cap} bytes, whichever comes first. */
    static HeaderSection read(InputStream in, int cap) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        int prev = -1;
        int lineLength = 0;
        while (out.size() < cap) {
            int b = in.read();
            if (b < 0) break;
            out.write(b);
            if (b == '\n') {
                // an empty line (CRLF or a bare LF) ends the section
                if (lineLength == 0 || (lineLength == 1 && prev == '\r')) break;
                lineLength = 0;
            } else {
                lineLength++;
            }
            prev = b;
        }
        byte[] bytes = out.toByteArray();
        return new HeaderSection(bytes, parse(bytes));
    }

    List<String> values(String name) {
        List<String> out = new ArrayList<>();
        for (Field f : fields) if (f.is(name)) out.add(f.value());
        return out;
    }

    boolean has(String name) {
        for (Field f : fields) if (f.is(name)) return true;
        return false;
    }

    private static List<Field> parse(byte[] b) {
        String text = new String(b, StandardCharsets.UTF_8);
        List<Field> out = new ArrayList<>();
        StringBuilder current = null;
        for (String line : text.split("\r?\n", -1)) {
            if (line.isEmpty()) break;
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
                current.append(line); // unfolding removes only the CRLF (RFC 5322 section 2.2.3)
                continue;
            }
            if (current != null) add(out, current);
            current = new StringBuilder(line);
        }
        if (current != null) add(out, current);
        return out;
    }

    private static void add(List<Field> out, StringBuilder line) {
        int colon = line.indexOf(":");
        if (colon <= 0) return; // not a field: ignored, as a lenient reader does
        String name = line.substring(0, colon).trim();
        if (name.isEmpty() || name.toLowerCase(Locale.ROOT).contains(" ")) return;
        out.add(new Field(name, line.substring(colon + 1)));
    }
}
