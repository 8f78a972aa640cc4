package org.mailroom.mailauth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mailroom.mailauth.arc.ArcVerdict;
import org.mailroom.mailauth.dkim.DkimVerdict;
import org.mailroom.mailauth.dmarc.DmarcVerdict;
import org.mailroom.mailauth.spf.SpfVerdict;

/**
 * Writes one Authentication-Results header field (RFC 8601), e.g.
 * <pre>
 * Authentication-Results: mx.example.org;
 *     spf=pass smtp.mailfrom=a@b.example;
 *     dkim=pass header.d=b.example header.s=sel header.a=rsa-sha256 header.b=abcdefgh;
 *     dmarc=pass header.from=b.example;
 *     arc=none
 * </pre>
 * One result per line (folded with CRLF and a tab), longer ones folded again between properties. Every value
 * comes from the network, so each is written as a token when RFC 2045 allows, as {@code local-part@domain} for
 * addresses, else as a quoted string; comments are escaped; CR, LF and other controls are dropped, so nothing in
 * the input can end the field or start another.
 */
public final class AuthenticationResults {

    private static final String TSPECIALS = "()<>@,;:\\\"/[]?=";
    private static final int LINE = 78;

    private final String authservId;
    private final List<String> results = new ArrayList<>();

    public AuthenticationResults(String authservId) {
        this.authservId = value(authservId);
    }

    /**
     * Adds one resinfo: {@code method=result (comment) ptype.property=value...}.
     *
     * @param comment    a few words for people, or null
     * @param properties name and value pairs: "smtp.mailfrom", "a@b.example", "header.d", "b.example"...
     */
    public AuthenticationResults add(String method, String result, String comment, String... properties) {
        StringBuilder line = new StringBuilder();
        List<String> parts = new ArrayList<>();
        parts.add(method + "=" + result.toLowerCase(Locale.ROOT));
        if (comment != null && !comment.isBlank()) parts.add(comment(comment));
        for (int k = 0; k + 1 < properties.length; k += 2) {
            if (properties[k + 1] == null || properties[k + 1].isEmpty()) continue;
            parts.add(properties[k] + "=" + value(properties[k + 1]));
        }
        int column = 1; // after the tab
        for (String part : parts) {
            if (line.length() > 0) {
                if (column + 1 + part.length() > LINE) {
                    line.append("\r\n\t");
                    column = 1;
                } else {
                    line.append(' ');
                    column++;
                }
            }
            line.append(part);
            column += part.length();
        }
        results.add(line.toString());
        return this;
    }

    public AuthenticationResults spf(SpfVerdict v) {
        boolean helo = "helo".equals(v.identity());
        String identity = helo ? v.domain() : v.sender();
        return add("spf", v.result().name(), shortReason(v.result() == SpfVerdict.Result.PASS ? null : v.explanation()),
                helo ? "smtp.helo" : "smtp.mailfrom", identity);
    }

    /** One dkim= per signature; dkim=none for a message without any. */
    public AuthenticationResults dkim(List<DkimVerdict> verdicts) {
        if (verdicts.isEmpty()) return add("dkim", "none", null);
        for (DkimVerdict v : verdicts) {
            add("dkim", v.result().name(), shortReason(v.passed() ? null : v.reason()), "header.d", v.domain(),
                    "header.s", v.selector(), "header.a", v.algorithm(), "header.b", v.signaturePrefix());
        }
        return this;
    }

    public AuthenticationResults dmarc(DmarcVerdict v) {
        String comment = null;
        if (v.result() == DmarcVerdict.Result.FAIL || v.result() == DmarcVerdict.Result.PASS) {
            comment = "p=" + lower(v.policy()) + " dis=" + lower(v.disposition());
        } else if (v.result() != DmarcVerdict.Result.NONE || !v.reason().startsWith("no ")) {
            comment = shortReason(v.reason());
        }
        return add("dmarc", v.result().name(), comment, "header.from", v.fromDomain());
    }

    public AuthenticationResults arc(ArcVerdict v) {
        String comment = v.instances() > 0 ? "i=" + v.instances() : null;
        if (v.result() == ArcVerdict.Result.FAIL) comment = (comment == null ? "" : comment + " ") + shortReason(v.reason());
        return add("arc", v.result().name(), comment);
    }

    /** The whole field, {@code Authentication-Results: ...}, ending in CRLF. */
    public String header() {
        StringBuilder sb = new StringBuilder("Authentication-Results: ").append(authservId);
        if (results.isEmpty()) return sb.append("; none\r\n").toString(); // RFC 8601 section 2.2: no-result
        for (String r : results) sb.append(";\r\n\t").append(r);
        return sb.append("\r\n").toString();
    }

    /** A property value: a token, an address {@code local@domain} of tokens, else a quoted string. */
    static String value(String raw) {
        String s = clean(raw);
        if (isToken(s)) return s;
        int at = s.lastIndexOf('@');
        if (at > 0 && isDotAtom(s.substring(0, at)) && isToken(s.substring(at + 1))) return s;
        StringBuilder q = new StringBuilder("\"");
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c == '"' || c == '\\') q.append('\\');
            q.append(c);
        }
        return q.append('"').toString();
    }

    /** A comment with its parentheses and backslashes escaped (RFC 5322 ctext / quoted-pair). */
    static String comment(String raw) {
        String s = clean(raw);
        StringBuilder c = new StringBuilder("(");
        for (int k = 0; k < s.length(); k++) {
            char ch = s.charAt(k);
            if (ch == '(' || ch == ')' || ch == '\\') c.append('\\');
            c.append(ch);
        }
        return c.append(')').toString();
    }

    /** Drops controls (CR, LF, NUL, DEL...) and collapses whitespace: the value stays on its line. */
    private static String clean(String raw) {
        if (raw == null) return "";
        StringBuilder sb = new StringBuilder(raw.length());
        boolean space = false;
        for (int k = 0; k < raw.length(); k++) {
            char c = raw.charAt(k);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                space = sb.length() > 0;
                continue;
            }
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029') continue;
            if (space) sb.append(' ');
            space = false;
            sb.append(c);
        }
        return sb.toString();
    }

    /** RFC 2045 token: ASCII without space, controls and tspecials. */
    private static boolean isToken(String s) {
        if (s.isEmpty()) return false;
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c <= 0x20 || c >= 0x7f || TSPECIALS.indexOf(c) >= 0) return false;
        }
        return true;
    }

    /** RFC 5322 dot-atom (atext and single dots), the local parts written without quotes. */
    private static boolean isDotAtom(String s) {
        if (s.isEmpty() || s.startsWith(".") || s.endsWith(".") || s.contains("..")) return false;
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            boolean atext = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-/=?^_`{|}~.".indexOf(c) >= 0;
            if (!atext) return false;
        }
        return true;
    }

    private static String shortReason(String s) {
        if (s == null || s.isBlank()) return null;
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** The authserv-id: the first token or quoted string after any CFWS (comments may nest), or null. */
    public static String authservId(String value) {
        if (value == null) return null;
        int i = 0;
        int n = value.length();
        while (i < n) {
            char c = value.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                i++;
            } else if (c == '(') {
                int depth = 0;
                while (i < n) {
                    char d = value.charAt(i);
                    if (d == '\\') i++;
                    else if (d == '(') depth++;
                    else if (d == ')' && --depth == 0) { i++; break; }
                    i++;
                }
            } else {
                break;
            }
        }
        if (i >= n) return null;
        StringBuilder id = new StringBuilder();
        if (value.charAt(i) == '"') {
            for (i++; i < n && value.charAt(i) != '"'; i++) {
                if (value.charAt(i) == '\\' && i + 1 < n) i++;
                id.append(value.charAt(i));
            }
        } else {
            for (; i < n; i++) {
                char c = value.charAt(i);
                if (c == ';' || c == '(' || c == ' ' || c == '\t' || c == '\r' || c == '\n') break;
                id.append(c);
            }
        }
        return id.length() == 0 ? null : id.toString();
    }
}
