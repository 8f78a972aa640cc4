package org.mailroom.mailauth.spf;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One SPF record, parsed whole before anything is evaluated (RFC 7208 section 4.6: a syntax error anywhere,
 * even after the term that would match, makes the record a permerror).
 *
 * <p>Example: {@code v=spf1 ip4:192.0.2.0/24 mx -all exp=why.%{d}} has three mechanisms and an exp modifier.
 */
record SpfRecord(List<Mechanism> mechanisms, String redirect, String exp) {

    enum Kind { ALL, INCLUDE, A, MX, PTR, IP4, IP6, EXISTS }

    /**
     * One directive.
     *
     * @param result     the qualifier's result (section 4.6.2; none written means pass)
     * @param domainSpec the unexpanded domain-spec, or null where the mechanism has none (then the current domain)
     * @param network    the ip4/ip6 network
     * @param cidr4      the IPv4 prefix length (32 when not given)
     * @param cidr6      the IPv6 prefix length (128 when not given)
     */
    record Mechanism(SpfVerdict.Result result, Kind kind, String domainSpec, InetAddress network, int cidr4, int cidr6) {
        /** Whether evaluating it asks DNS, so it counts towards the limit of 10 (section 4.6.4). */
        boolean queriesDns() {
            return kind == Kind.INCLUDE || kind == Kind.A || kind == Kind.MX || kind == Kind.PTR || kind == Kind.EXISTS;
        }
    }

    /** [":" domain-spec] [dual-cidr-length]: the domain reluctant, so a trailing /n or //n is the length. */
    private static final java.util.regex.Pattern A_OR_MX =
            java.util.regex.Pattern.compile("(?::(.+?))?(?:/([0-9]+))?(?://([0-9]+))?");

    /** Whether a TXT record is an SPF record: "v=spf1" then a space or the end (section 4.5). */
    static boolean isSpf(String txt) {
        return txt.length() >= 6 && txt.regionMatches(true, 0, "v=spf1", 0, 6)
                && (txt.length() == 6 || txt.charAt(6) == ' ');
    }

    static SpfRecord parse(String text) throws SpfAbort {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) throw SpfAbort.perm("record has character 0x" + Integer.toHexString(c));
        }
        List<Mechanism> mechanisms = new ArrayList<>();
        String redirect = null;
        String exp = null;
        String[] terms = text.substring(6).split(" ");
        for (String term : terms) {
            if (term.isEmpty()) continue; // 1*SP between terms, trailing spaces allowed
            int eq = modifierNameEnd(term);
            if (eq > 0) {
                String name = term.substring(0, eq).toLowerCase(Locale.ROOT);
                String value = term.substring(eq + 1);
                switch (name) {
                    case "redirect" -> {
                        if (redirect != null) throw SpfAbort.perm("two redirect modifiers");
                        checkDomainSpec(value);
                        redirect = value;
                    }
                    case "exp" -> {
                        if (exp != null) throw SpfAbort.perm("two exp modifiers");
                        checkDomainSpec(value);
                        exp = value;
                    }
                    default -> SpfMacros.validate(value, false); // unknown modifiers are ignored (section 6)
                }
                continue;
            }
            mechanisms.add(mechanism(term));
        }
        return new SpfRecord(List.copyOf(mechanisms), redirect, exp);
    }

    /** The index of '=' when the term is a modifier (name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )), else -1. */
    private static int modifierNameEnd(String term) {
        if (term.isEmpty() || !isAlpha(term.charAt(0))) return -1;
        for (int i = 1; i < term.length(); i++) {
            char c = term.charAt(i);
            if (c == '=') return i;
            if (!(isAlpha(c) || isDigit(c) || c == '-' || c == '_' || c == '.')) return -1;
        }
        return -1;
    }

    private static Mechanism mechanism(String term) throws SpfAbort {
        SpfVerdict.Result result = SpfVerdict.Result.PASS;
        int i = 0;
        switch (term.charAt(0)) {
            case '+' -> i = 1;
            case '-' -> { result = SpfVerdict.Result.FAIL; i = 1; }
            case '~' -> { result = SpfVerdict.Result.SOFTFAIL; i = 1; }
            case '?' -> { result = SpfVerdict.Result.NEUTRAL; i = 1; }
            default -> { }
        }
        int nameEnd = i;
        while (nameEnd < term.length() && isAlphaNum(term.charAt(nameEnd))) nameEnd++;
        String name = term.substring(i, nameEnd).toLowerCase(Locale.ROOT);
        String rest = term.substring(nameEnd);
        switch (name) {
            case "all" -> {
                if (!rest.isEmpty()) throw SpfAbort.perm("bad term " + term);
                return new Mechanism(result, Kind.ALL, null, null, 32, 128);
            }
            case "include", "exists" -> {
                if (!rest.startsWith(":") || rest.length() == 1) throw SpfAbort.perm(name + " needs a domain");
                String spec = rest.substring(1);
                checkDomainSpec(spec);
                return new Mechanism(result, "include".equals(name) ? Kind.INCLUDE : Kind.EXISTS, spec, null, 32, 128);
            }
            case "a", "mx" -> {
                Kind kind = "a".equals(name) ? Kind.A : Kind.MX;
                // the domain-spec may itself hold ':' and '/' (section 7.1): the CIDR lengths are only a suffix
                // of the form /n, //n or /n//n
                java.util.regex.Matcher m = A_OR_MX.matcher(rest);
                if (!m.matches()) throw SpfAbort.perm("bad term " + term);
                String spec = m.group(1);
                if (spec != null) checkDomainSpec(spec);
                int v4 = m.group(2) == null ? 32 : cidr(m.group(2), 32);
                int v6 = m.group(3) == null ? 128 : cidr(m.group(3), 128);
                return new Mechanism(result, kind, spec, null, v4, v6);
            }
            case "ptr" -> {
                String spec = null;
                if (!rest.isEmpty()) {
                    if (!rest.startsWith(":") || rest.length() == 1) throw SpfAbort.perm("bad term " + term);
                    spec = rest.substring(1);
                    checkDomainSpec(spec);
                }
                return new Mechanism(result, Kind.PTR, spec, null, 32, 128);
            }
            case "ip4" -> {
                if (!rest.startsWith(":")) throw SpfAbort.perm("bad term " + term);
                String net = rest.substring(1);
                int slash = net.indexOf('/');
                int len = 32;
                if (slash >= 0) {
                    len = cidr(net.substring(slash + 1), 32);
                    net = net.substring(0, slash);
                }
                return new Mechanism(result, Kind.IP4, null, ip4(net), len, 128);
            }
            case "ip6" -> {
                if (!rest.startsWith(":")) throw SpfAbort.perm("bad term " + term);
                String net = rest.substring(1);
                int slash = net.indexOf('/');
                int len = 128;
                if (slash >= 0) {
                    len = cidr(net.substring(slash + 1), 128);
                    net = net.substring(0, slash);
                }
                return new Mechanism(result, Kind.IP6, null, ip6(net), 32, len);
            }
            default -> throw SpfAbort.perm("unknown mechanism " + term);
        }
    }

    /** A prefix length: digits without a leading zero (ABNF %x31-39 0*1DIGIT, or "0"), at most {@code max}. */
    private static int cidr(String s, int max) throws SpfAbort {
        if (s.isEmpty() || s.length() > 3 || (s.length() > 1 && s.charAt(0) == '0')) {
            throw SpfAbort.perm("bad CIDR length /" + s);
        }
        for (int i = 0; i < s.length(); i++) if (!isDigit(s.charAt(i))) throw SpfAbort.perm("bad CIDR length /" + s);
        int n = Integer.parseInt(s);
        if (n > max) throw SpfAbort.perm("CIDR length /" + s + " too long");
        return n;
    }

    /** A dotted quad whose numbers have no leading zeros (ip4-network's qnum). */
    static InetAddress ip4(String s) throws SpfAbort {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) throw SpfAbort.perm("bad IPv4 address " + s);
        byte[] b = new byte[4];
        for (int k = 0; k < 4; k++) {
            String p = parts[k];
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                throw SpfAbort.perm("bad IPv4 address " + s);
            }
            for (int j = 0; j < p.length(); j++) if (!isDigit(p.charAt(j))) throw SpfAbort.perm("bad IPv4 address " + s);
            int n = Integer.parseInt(p);
            if (n > 255) throw SpfAbort.perm("bad IPv4 address " + s);
            b[k] = (byte) n;
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw SpfAbort.perm("bad IPv4 address " + s);
        }
    }

    /** An IPv6 address in RFC 4291 section 2.2 text form (the JDK parses literals without DNS). */
    private static InetAddress ip6(String s) throws SpfAbort {
        if (s.indexOf(':') < 0 || s.length() > 45) throw SpfAbort.perm("bad IPv6 address " + s);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.')) {
                throw SpfAbort.perm("bad IPv6 address " + s);
            }
        }
        try {
            byte[] raw = InetAddress.getByName(s).getAddress();
            if (raw.length == 4) { // ::ffff:a.b.c.d comes back as IPv4: keep it as the 16 bytes written
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(raw, 0, mapped, 12, 4);
                return InetAddress.getByAddress(mapped);
            }
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw SpfAbort.perm("bad IPv6 address " + s);
        }
    }

    /**
     * domain-spec = macro-string domain-end; domain-end = ( "." toplabel [ "." ] ) / macro-expand (section 7.1):
     * either it ends in a macro, or its last label is a real top label (not all digits).
     */
    static void checkDomainSpec(String spec) throws SpfAbort {
        SpfMacros.validate(spec, false);
        if (spec.endsWith("}")) {
            int open = spec.lastIndexOf("%{");
            if (open >= 0 && spec.indexOf('}', open) == spec.length() - 1) return;
        }
        String s = spec.endsWith(".") ? spec.substring(0, spec.length() - 1) : spec;
        int dot = s.lastIndexOf('.');
        if (dot < 0) throw SpfAbort.perm("domain-spec " + spec + " has no top label");
        String top = s.substring(dot + 1);
        if (!isTopLabel(top)) throw SpfAbort.perm("domain-spec " + spec + " ends in a bad top label");
    }

    /** toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum ). */
    private static boolean isTopLabel(String t) {
        if (t.isEmpty()) return false;
        boolean alpha = false;
        boolean hyphen = false;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (isAlpha(c)) alpha = true;
            else if (c == '-') hyphen = true;
            else if (!isDigit(c)) return false;
        }
        if (!hyphen) return alpha;
        return t.charAt(0) != '-' && t.charAt(t.length() - 1) != '-';
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAlphaNum(char c) {
        return isAlpha(c) || isDigit(c);
    }
}
