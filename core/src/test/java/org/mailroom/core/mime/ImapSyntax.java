package org.mailroom.core.mime;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A strict reader for the IMAP values this package writes (RFC 9051 section 9): NIL, numbers, quoted
 * strings, literals and parenthesized lists, and checks of the ENVELOPE and body grammars on top. Tests use
 * it to prove output well-formed whatever the input.
 */
final class ImapSyntax {

    private final String s;
    private int i;

    private ImapSyntax(String s) {
        this.s = s;
    }

    /** Reads one value that must span the whole text: a List, a String, a Long or null (NIL). */
    static Object read(String text) {
        ImapSyntax p = new ImapSyntax(text);
        Object v = p.value();
        if (p.i != text.length()) throw new IllegalStateException("trailing text at " + p.i + ": " + text);
        return v;
    }

    private Object value() {
        if (i >= s.length()) throw new IllegalStateException("value expected at end");
        char c = s.charAt(i);
        if (c == '(') {
            i++;
            List<Object> list = new ArrayList<>();
            while (true) {
                if (i >= s.length()) throw new IllegalStateException("unclosed list");
                if (s.charAt(i) == ')') {
                    i++;
                    return list;
                }
                // items are separated by one space, except that bodies of a multipart follow each other
                if (!list.isEmpty() && s.charAt(i) == ' ') i++;
                list.add(value());
            }
        }
        if (c == '"') {
            StringBuilder v = new StringBuilder();
            i++;
            while (true) {
                if (i >= s.length()) throw new IllegalStateException("unclosed quoted string");
                char d = s.charAt(i++);
                if (d == '"') return v.toString();
                if (d == '\\') {
                    d = s.charAt(i++);
                    if (d != '"' && d != '\\') throw new IllegalStateException("bad quoted-pair");
                }
                if (d == '\r' || d == '\n' || d == 0 || d > 126) throw new IllegalStateException("bad quoted char");
                v.append(d);
            }
        }
        if (c == '{') {
            int close = s.indexOf("}\r\n", i);
            int octets = Integer.parseInt(s.substring(i + 1, close));
            i = close + 3;
            // the literal is counted in UTF-8 octets: walk characters until that many octets are used
            int start = i;
            int used = 0;
            while (used < octets) {
                int cp = s.codePointAt(i);
                used += new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
                i += Character.charCount(cp);
            }
            if (used != octets) throw new IllegalStateException("literal length mismatch");
            return s.substring(start, i);
        }
        if (s.startsWith("NIL", i)) {
            i += 3;
            return null;
        }
        int start = i;
        while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
        if (i == start) throw new IllegalStateException("unexpected '" + c + "' at " + i + " in " + s);
        return Long.parseLong(s.substring(start, i));
    }

    static void checkEnvelope(Object env) {
        List<?> e = list(env, "envelope");
        if (e.size() != 10) throw new IllegalStateException("envelope has " + e.size() + " fields");
        for (int k : new int[] {0, 1, 8, 9}) nstring(e.get(k));
        for (int k = 2; k < 8; k++) {
            if (e.get(k) == null) continue;
            for (Object a : list(e.get(k), "address list")) {
                List<?> addr = list(a, "address");
                if (addr.size() != 4) throw new IllegalStateException("address has " + addr.size() + " fields");
                for (Object f : addr) nstring(f);
            }
        }
    }

    static void checkBody(Object body, boolean extended) {
        List<?> b = list(body, "body");
        if (b.isEmpty()) throw new IllegalStateException("empty body");
        if (b.get(0) instanceof List) {
            int k = 0;
            while (k < b.size() && b.get(k) instanceof List) checkBody(b.get(k++), extended);
            string(b.get(k++));
            if (extended) {
                params(b.get(k++));
                disposition(b.get(k++));
                language(b.get(k++));
                nstring(b.get(k++));
            }
            if (k != b.size()) throw new IllegalStateException("multipart has " + b.size() + " fields");
            return;
        }
        String type = string(b.get(0));
        String subtype = string(b.get(1));
        params(b.get(2));
        nstring(b.get(3));
        nstring(b.get(4));
        string(b.get(5));
        number(b.get(6));
        int k = 7;
        if (type.equalsIgnoreCase("message") && (subtype.equalsIgnoreCase("rfc822") || subtype.equalsIgnoreCase("global"))) {
            checkEnvelope(b.get(k++));
            checkBody(b.get(k++), extended);
            number(b.get(k++));
        } else if (type.equalsIgnoreCase("text")) {
            number(b.get(k++));
        }
        if (extended) {
            nstring(b.get(k++));
            disposition(b.get(k++));
            language(b.get(k++));
            nstring(b.get(k++));
        }
        if (k != b.size()) throw new IllegalStateException("part has " + b.size() + " fields");
    }

    private static void params(Object p) {
        if (p == null) return;
        List<?> l = list(p, "parameters");
        if (l.isEmpty() || l.size() % 2 != 0) throw new IllegalStateException("odd parameter list");
        for (Object o : l) string(o);
    }

    private static void disposition(Object d) {
        if (d == null) return;
        List<?> l = list(d, "disposition");
        if (l.size() != 2) throw new IllegalStateException("disposition has " + l.size() + " fields");
        string(l.get(0));
        params(l.get(1));
    }

    private static void language(Object l) {
        if (l == null || l instanceof String) return;
        for (Object o : list(l, "languages")) string(o);
    }

    private static List<?> list(Object o, String what) {
        if (!(o instanceof List)) throw new IllegalStateException(what + " is no list: " + o);
        return (List<?>) o;
    }

    private static String string(Object o) {
        if (!(o instanceof String)) throw new IllegalStateException("string expected: " + o);
        return (String) o;
    }

    private static void nstring(Object o) {
        if (o != null) string(o);
    }

    private static void number(Object o) {
        if (!(o instanceof Long)) throw new IllegalStateException("number expected: " + o);
    }
}
