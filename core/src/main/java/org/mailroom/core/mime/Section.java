package org.mailroom.core.mime;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A FETCH section (RFC 9051 section 6.4.5, grammar {@code section-spec}): the text between the brackets of
 * {@code BODY[...]}, such as {@code 1.2}, {@code HEADER.FIELDS (From To)}, {@code 3.MIME} or
 * {@code 2.TEXT}. Part numbers start at 1.
 *
 * @param part   the part numbers, empty for the whole message
 * @param fields the field names of HEADER.FIELDS and HEADER.FIELDS.NOT, empty for the others
 */
public record Section(List<Integer> part, Specifier specifier, List<String> fields) {

    /** What of the part is wanted. */
    public enum Specifier {
        /** The whole message (no part numbers) or the body of the part. */
        NONE(""),
        HEADER("HEADER"),
        HEADER_FIELDS("HEADER.FIELDS"),
        HEADER_FIELDS_NOT("HEADER.FIELDS.NOT"),
        TEXT("TEXT"),
        /** The MIME header of a part; needs part numbers. */
        MIME("MIME");

        private final String text;

        Specifier(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    public Section {
        part = List.copyOf(part);
        fields = List.copyOf(fields);
        for (int n : part) {
            if (n < 1) throw new IllegalArgumentException("part numbers start at 1");
        }
        if (specifier == Specifier.MIME && part.isEmpty()) throw new IllegalArgumentException("MIME needs a part");
        boolean listed = specifier == Specifier.HEADER_FIELDS || specifier == Specifier.HEADER_FIELDS_NOT;
        if (listed == fields.isEmpty()) throw new IllegalArgumentException("field list only with HEADER.FIELDS");
    }

    /**
     * Parses the text between the brackets. Field names may be atoms or quoted strings.
     *
     * @throws IllegalArgumentException when it is no section-spec (the FETCH then gets a BAD)
     */
    public static Section parse(String text) {
        String s = text.strip();
        List<Integer> part = new ArrayList<>();
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            int start = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
            if (i - start > 9) throw new IllegalArgumentException("part number too large");
            part.add(Integer.parseInt(s.substring(start, i)));
            if (i == s.length()) break;
            if (s.charAt(i) != '.') throw new IllegalArgumentException("bad section: " + text);
            i++;
            if (i == s.length()) throw new IllegalArgumentException("bad section: " + text);
        }
        String rest = s.substring(i);
        int space = rest.indexOf(' ');
        int paren = rest.indexOf('(');
        int cut = space < 0 ? paren : paren < 0 ? space : Math.min(space, paren);
        String word = (cut < 0 ? rest : rest.substring(0, cut)).toUpperCase(Locale.ROOT);
        Specifier spec = null;
        for (Specifier sp : Specifier.values()) {
            if (sp.text.equals(word)) spec = sp;
        }
        if (spec == null) throw new IllegalArgumentException("bad section: " + text);
        List<String> fields = new ArrayList<>();
        String tail = cut < 0 ? "" : rest.substring(cut).strip();
        if (spec == Specifier.HEADER_FIELDS || spec == Specifier.HEADER_FIELDS_NOT) {
            if (!tail.startsWith("(") || !tail.endsWith(")")) throw new IllegalArgumentException("bad field list");
            fields = names(tail.substring(1, tail.length() - 1));
            if (fields.isEmpty()) throw new IllegalArgumentException("empty field list");
        } else if (!tail.isEmpty()) {
            throw new IllegalArgumentException("bad section: " + text);
        }
        return new Section(part, spec, fields);
    }

    private static List<String> names(String list) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < list.length()) {
            char c = list.charAt(i);
            if (c == ' ') {
                i++;
            } else if (c == '"') {
                StringBuilder v = new StringBuilder();
                i++;
                while (i < list.length() && list.charAt(i) != '"') {
                    if (list.charAt(i) == '\\' && i + 1 < list.length()) i++;
                    v.append(list.charAt(i++));
                }
                if (i >= list.length()) throw new IllegalArgumentException("unterminated quoted field name");
                i++;
                out.add(v.toString());
            } else {
                int start = i;
                while (i < list.length() && list.charAt(i) != ' ') i++;
                out.add(list.substring(start, i));
            }
        }
        return out;
    }

    /** The section as a FETCH response names it: {@code 1.2.HEADER.FIELDS (From To)}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (int n : part) {
            if (out.length() > 0) out.append('.');
            out.append(n);
        }
        if (specifier != Specifier.NONE) {
            if (out.length() > 0) out.append('.');
            out.append(specifier.text);
        }
        if (!fields.isEmpty()) {
            out.append(" (");
            for (int k = 0; k < fields.size(); k++) {
                if (k > 0) out.append(' ');
                if (isAtom(fields.get(k))) {
                    out.append(fields.get(k));
                } else {
                    ImapText.string(out, fields.get(k));
                }
            }
            out.append(')');
        }
        return out.toString();
    }

    private static boolean isAtom(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 127 || "(){%*\"\\]".indexOf(c) >= 0) return false;
        }
        return true;
    }
}
