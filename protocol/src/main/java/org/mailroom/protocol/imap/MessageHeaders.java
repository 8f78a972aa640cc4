package org.mailroom.protocol.imap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The header fields of a message or MIME part, from raw bytes (RFC 5322 section 2.2). */
public final class MessageHeaders {

    /** One field: its name, its value unfolded, and where its raw lines are in the bytes. */
    public record Field(String name, String value, int start, int end) {}

    private final List<Field> fields;

    private MessageHeaders(List<Field> fields) {
        this.fields = fields;
    }

    public List<Field> fields() {
        return fields;
    }

    /** The first value of a field, or null. */
    public String get(String name) {
        for (Field f : fields) if (f.name().equalsIgnoreCase(name)) return f.value();
        return null;
    }

    /** Where the body starts: after the first empty line, or {@code to} if there is none. */
    public static int bodyStart(byte[] b, int from, int to) {
        int lineStart = from;
        for (int i = from; i < to; i++) {
            if (b[i] != '\n') continue;
            int len = i - lineStart;
            if (len == 0 || (len == 1 && b[lineStart] == '\r')) return i + 1;
            lineStart = i + 1;
        }
        // A header with no empty line: the whole part is header (or it starts with the empty line).
        return to;
    }

    public static MessageHeaders parse(byte[] b, int from, int to) {
        List<Field> fields = new ArrayList<>();
        int end = bodyStart(b, from, to);
        int i = from;
        while (i < end) {
            int lineEnd = lineEnd(b, i, end);
            int fieldEnd = lineEnd;
            // Folded lines start with a space or tab.
            while (fieldEnd < end && (b[fieldEnd] == ' ' || b[fieldEnd] == '\t')) fieldEnd = lineEnd(b, fieldEnd, end);
            String raw = new String(b, i, fieldEnd - i, StandardCharsets.UTF_8);
            int colon = raw.indexOf(':');
            if (colon > 0) {
                String value = raw.substring(colon + 1).replaceAll("\r?\n", "").trim();
                fields.add(new Field(raw.substring(0, colon).trim(), value, i, fieldEnd));
            }
            i = fieldEnd;
        }
        return new MessageHeaders(fields);
    }

    private static int lineEnd(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) if (b[i] == '\n') return i + 1;
        return to;
    }

    /** {@code Content-Type: text/plain; charset="utf-8"} as type, subtype and parameters. */
    public record ContentType(String type, String subtype, List<String[]> parameters) {
        public String parameter(String name) {
            for (String[] p : parameters) if (p[0].equalsIgnoreCase(name)) return p[1];
            return null;
        }
    }

    public static ContentType contentType(String value, String defaultType) {
        String v = value == null ? defaultType : value;
        List<String> parts = splitParameters(v);
        String[] typeSub = parts.get(0).trim().split("/", 2);
        if (typeSub.length != 2 || typeSub[0].isBlank() || typeSub[1].isBlank()) {
            typeSub = defaultType.split("/", 2);
        }
        List<String[]> params = parameters(parts);
        if (value == null && typeSub[0].equalsIgnoreCase("text") && params.isEmpty()) {
            params.add(new String[] {"charset", "us-ascii"});
        }
        return new ContentType(typeSub[0].trim().toLowerCase(Locale.ROOT), typeSub[1].trim().toLowerCase(Locale.ROOT),
                params);
    }

    /** {@code attachment; filename="a.txt"} as the disposition and its parameters. */
    public static List<String> splitParameters(String v) {
        List<String> parts = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"') quoted = !quoted;
            if (c == ';' && !quoted) {
                parts.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        parts.add(cur.toString());
        return parts;
    }

    public static List<String[]> parameters(List<String> parts) {
        List<String[]> params = new ArrayList<>();
        for (String p : parts.subList(1, parts.size())) {
            int eq = p.indexOf('=');
            if (eq <= 0) continue;
            String val = p.substring(eq + 1).trim();
            if (val.length() >= 2 && val.startsWith("\"") && val.endsWith("\"")) {
                val = val.substring(1, val.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
            }
            params.add(new String[] {p.substring(0, eq).trim().toLowerCase(Locale.ROOT), val});
        }
        return params;
    }
}
