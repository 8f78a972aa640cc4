package org.mailroom.mailauth.dmarc;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.mailroom.mailauth.dmarc.DmarcVerdict.Policy;

/**
 * One DMARC policy record (RFC 7489 section 6.3), e.g. {@code v=DMARC1; p=reject; sp=quarantine; adkim=s; pct=50;
 * rua=mailto:d@example.org}. fo, rf, ri, rua and ruf are read but not used: we send no reports.
 *
 * @param policy          p=
 * @param subdomainPolicy sp=, or p= when absent
 * @param strictDkim      adkim=s
 * @param strictSpf       aspf=s
 * @param percent         pct=, 0 to 100
 */
record DmarcRecord(Policy policy, Policy subdomainPolicy, boolean strictDkim, boolean strictSpf, int percent) {

    /** dmarc-version = "v" *WSP "=" *WSP "DMARC1", then ";" or the end: how records are told from other TXT. */
    private static final Pattern VERSION = Pattern.compile("^v[ \\t]*=[ \\t]*DMARC1[ \\t]*(;.*)?$", Pattern.DOTALL);

    static boolean isDmarc(String txt) {
        return VERSION.matcher(txt).matches();
    }

    /**
     * Parses a record that {@link #isDmarc} accepted; null when it is unusable, which section 6.6.3 makes "no DMARC
     * processing": p (or sp) missing or invalid without a valid rua. With a valid rua it reads as p=none.
     */
    static DmarcRecord parse(String txt) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String part : txt.split(";")) {
            int eq = part.indexOf('=');
            if (eq < 0) continue; // an empty part after the last ';', or junk: tags we cannot read are ignored
            String name = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            tags.putIfAbsent(name, part.substring(eq + 1).trim());
        }
        Policy p = policy(tags.get("p"));
        boolean spGiven = tags.containsKey("sp");
        Policy sp = spGiven ? policy(tags.get("sp")) : p;
        if (p == null || sp == null) {
            if (!validRua(tags.get("rua"))) return null;
            p = Policy.NONE;
            sp = Policy.NONE;
        }
        return new DmarcRecord(p, sp, "s".equalsIgnoreCase(tags.get("adkim")), "s".equalsIgnoreCase(tags.get("aspf")),
                percent(tags.get("pct")));
    }

    private static Policy policy(String v) {
        if (v == null) return null;
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "none" -> Policy.NONE;
            case "quarantine" -> Policy.QUARANTINE;
            case "reject" -> Policy.REJECT;
            default -> null;
        };
    }

    /** pct= (section 6.3): an integer 0..100; anything else is the default 100. */
    private static int percent(String v) {
        if (v == null || v.isEmpty() || v.length() > 3 || !v.chars().allMatch(Character::isDigit)) return 100;
        int n = Integer.parseInt(v);
        return n > 100 ? 100 : n;
    }

    /** rua = a comma-separated list of URIs with an optional "!size"; one syntactically valid one is enough. */
    private static boolean validRua(String v) {
        if (v == null) return false;
        for (String uri : v.split(",")) {
            String u = uri.trim();
            int bang = u.indexOf('!');
            if (bang >= 0) u = u.substring(0, bang);
            if (u.matches("[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+")) return true;
        }
        return false;
    }
}
