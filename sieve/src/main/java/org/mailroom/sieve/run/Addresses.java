package org.mailroom.sieve.run;

import java.util.ArrayList;
import java.util.List;

/**
 * The addresses of an address header (RFC 5322 section 3.4), leniently: display names, comments, group syntax and
 * source routes are dropped; what is left of each mailbox is its addr-spec. A value that is no address list still
 * gives its text, so a test sees something rather than nothing.
 */
final class Addresses {

    private Addresses() {}

    static List<String> parse(String value) {
        List<String> out = new ArrayList<>(2);
        StringBuilder plain = new StringBuilder();
        String angle = null;
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted) {
                if (c == '\\' && i + 1 < value.length()) {
                    plain.append(c).append(value.charAt(++i));
                    continue;
                }
                if (c == '"') quoted = false;
                plain.append(c);
            } else if (depth > 0) {
                if (c == '\\') i++;
                else if (c == '(') depth++;
                else if (c == ')') depth--;
            } else if (c == '"') {
                quoted = true;
                plain.append(c);
            } else if (c == '(') {
                depth++;
            } else if (c == '<') {
                int close = value.indexOf('>', i);
                if (close < 0) close = value.length();
                angle = value.substring(i + 1, close);
                i = close;
            } else if (c == ':') {
                plain.setLength(0); // a group's name
            } else if (c == ',' || c == ';') {
                add(out, angle, plain);
                angle = null;
                plain.setLength(0);
            } else {
                plain.append(c);
            }
        }
        add(out, angle, plain);
        return out;
    }

    private static void add(List<String> out, String angle, StringBuilder plain) {
        String a = angle != null ? angle : plain.toString();
        int route = a.lastIndexOf(':');
        if (angle != null && route >= 0) a = a.substring(route + 1); // <@relay:user@host>
        a = a.strip();
        if (angle == null && (a.indexOf(' ') >= 0 || a.indexOf('\t') >= 0)) a = withoutWhiteSpace(a);
        if (!a.isEmpty() || angle != null) out.add(a);
    }

    private static String withoutWhiteSpace(String a) {
        StringBuilder b = new StringBuilder(a.length());
        for (int i = 0; i < a.length(); i++) if (a.charAt(i) != ' ' && a.charAt(i) != '\t') b.append(a.charAt(i));
        return b.toString();
    }

    static String localPart(String address) {
        int at = address.lastIndexOf('@');
        String local = at < 0 ? address : address.substring(0, at);
        if (local.length() >= 2 && local.startsWith("\"") && local.endsWith("\"")) {
            local = local.substring(1, local.length() - 1).replaceAll("\\\\(.)", "$1");
        }
        return local;
    }

    static String domain(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1);
    }

    /** RFC 5233: the local part up to the first "+". */
    static String user(String address) {
        String local = localPart(address);
        int plus = local.indexOf('+');
        return plus < 0 ? local : local.substring(0, plus);
    }

    /** RFC 5233: the local part after the first "+", or null when there is none (so :detail matches nothing). */
    static String detail(String address) {
        String local = localPart(address);
        int plus = local.indexOf('+');
        return plus < 0 ? null : local.substring(plus + 1);
    }
}
