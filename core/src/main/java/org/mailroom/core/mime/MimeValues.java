package org.mailroom.core.mime;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Reads the structured MIME fields: Content-Type and Content-Disposition (a value, then
 * {@code ; name=value} parameters, RFC 2045 section 5.1 and RFC 2183) and Content-Language (RFC 3282).
 * Lenient: a parameter it cannot read is skipped up to the next semicolon.
 */
final class MimeValues {

    /** {@code type/subtype} (or the disposition alone, with a null subtype) and the parameters. */
    record Value(String type, String subtype, List<MimePart.Parameter> parameters) {}

    private final String s;
    private int i;

    private MimeValues(String s) {
        this.s = s;
    }

    /** Content-Type; null when it is absent or not {@code type/subtype}, so RFC 2045 section 5.2's default applies. */
    static Value contentType(String value) {
        if (value == null) return null;
        MimeValues p = new MimeValues(value);
        p.skipCfws();
        String type = p.token();
        p.skipCfws();
        if (type.isEmpty() || !p.eat('/')) return null;
        p.skipCfws();
        String subtype = p.token();
        if (subtype.isEmpty()) return null;
        return new Value(type, subtype, p.parameters());
    }

    static Value disposition(String value) {
        if (value == null) return null;
        MimeValues p = new MimeValues(value);
        p.skipCfws();
        String type = p.token();
        if (type.isEmpty()) return null;
        return new Value(type, null, p.parameters());
    }

    /** Content-Language: comma-separated language tags. */
    static List<String> languages(String value) {
        List<String> out = new ArrayList<>();
        if (value == null) return out;
        MimeValues p = new MimeValues(value);
        while (p.i < p.s.length()) {
            p.skipCfws();
            String tag = p.token();
            if (!tag.isEmpty()) out.add(tag);
            p.skipCfws();
            if (p.i < p.s.length() && !p.eat(',')) p.i++;
        }
        return out;
    }

    private List<MimePart.Parameter> parameters() {
        List<MimePart.Parameter> out = new ArrayList<>();
        while (i < s.length()) {
            skipCfws();
            if (i >= s.length()) break;
            if (!eat(';')) {
                skipPast(';');
                continue;
            }
            skipCfws();
            String name = token();
            skipCfws();
            if (name.isEmpty() || !eat('=')) {
                skipPast(';');
                continue;
            }
            skipCfws();
            String value;
            if (i < s.length() && s.charAt(i) == '"') {
                value = quoted();
            } else {
                // lenient: unquoted values with spaces or tspecials happen (filename=my file.pdf)
                int start = i;
                while (i < s.length() && s.charAt(i) != ';') i++;
                value = s.substring(start, i).strip();
            }
            out.add(new MimePart.Parameter(name, value));
        }
        return joinContinuations(out);
    }

    /**
     * RFC 2231 section 3: {@code name*0=a; name*1=b} are one parameter {@code name=ab}; when the segments
     * are extended ({@code name*0*=utf-8''...}) the result is {@code name*} with the charset prefix kept.
     * RFC 2231 asks IMAP servers to join continuations in BODY and BODYSTRUCTURE.
     */
    private static List<MimePart.Parameter> joinContinuations(List<MimePart.Parameter> params) {
        boolean any = false;
        for (MimePart.Parameter p : params) any |= segment(p.name()) != null;
        if (!any) return params;
        List<MimePart.Parameter> out = new ArrayList<>();
        TreeMap<String, TreeMap<Integer, MimePart.Parameter>> groups = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        List<String> order = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (MimePart.Parameter p : params) {
            Object[] seg = segment(p.name());
            if (seg == null) {
                out.add(p);
                continue;
            }
            String base = (String) seg[0];
            if (!groups.containsKey(base)) {
                groups.put(base, new TreeMap<>());
                order.add(base);
                positions.add(out.size());
                out.add(null);
            }
            groups.get(base).putIfAbsent((Integer) seg[1], p);
        }
        for (int k = 0; k < order.size(); k++) {
            TreeMap<Integer, MimePart.Parameter> segs = groups.get(order.get(k));
            StringBuilder v = new StringBuilder();
            for (MimePart.Parameter p : segs.values()) v.append(p.value());
            boolean extended = segs.firstEntry().getValue().name().endsWith("*");
            out.set(positions.get(k), new MimePart.Parameter(order.get(k) + (extended ? "*" : ""), v.toString()));
        }
        return out;
    }

    /** For {@code name*N} or {@code name*N*}: {base, N}; else null. */
    private static Object[] segment(String name) {
        int star = name.indexOf('*');
        if (star <= 0) return null;
        int end = name.endsWith("*") && name.length() > star + 1 ? name.length() - 1 : name.length();
        if (end <= star + 1 || end - star - 1 > 4) return null;
        for (int k = star + 1; k < end; k++) {
            if (name.charAt(k) < '0' || name.charAt(k) > '9') return null;
        }
        return new Object[] {name.substring(0, star), Integer.parseInt(name.substring(star + 1, end))};
    }

    private String token() {
        int start = i;
        while (i < s.length() && isTokenChar(s.charAt(i))) i++;
        return s.substring(start, i);
    }

    private static boolean isTokenChar(char c) {
        if (c > 127) return true;
        if (c <= 32 || c == 127) return false;
        return "()<>@,;:\\\"/[]?=".indexOf(c) < 0;
    }

    private String quoted() {
        StringBuilder v = new StringBuilder();
        i = QuotedString.read(s, i, v);
        return v.toString();
    }

    private boolean eat(char c) {
        if (i < s.length() && s.charAt(i) == c) {
            i++;
            return true;
        }
        return false;
    }

    private void skipPast(char c) {
        while (i < s.length() && s.charAt(i) != c) {
            if (s.charAt(i) == '"') {
                quoted();
            } else {
                i++;
            }
        }
    }

    private void skipCfws() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                i++;
            } else if (c == '(') {
                int depth = 0;
                while (i < s.length()) {
                    char d = s.charAt(i++);
                    if (d == '\\' && i < s.length()) {
                        i++;
                    } else if (d == '(') {
                        depth++;
                    } else if (d == ')' && --depth == 0) {
                        break;
                    }
                }
            } else {
                break;
            }
        }
    }
}
