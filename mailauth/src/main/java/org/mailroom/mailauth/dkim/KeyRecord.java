package org.mailroom.mailauth.dkim;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.List;
import org.mailroom.core.dns.DnsResolver;

/**
 * A DKIM key record ({@code selector._domainkey.domain} TXT, RFC 6376 section 3.6.1; RFC 8463 for k=ed25519), and
 * its look-up through our resolver. ARC seals and message signatures use the same records.
 *
 * @param algorithm the key's type ({@code k=}) as the algorithm family it can verify
 * @param key       the public key
 * @param bits      the RSA modulus size, 256 for Ed25519
 * @param testing   {@code t=y}: the domain is testing DKIM (reported, not acted upon)
 * @param strict    {@code t=s}: the signature's {@code i=} domain must equal {@code d=}, no subdomain
 * @param hashes    the {@code h=} list, empty when absent (any hash)
 */
public record KeyRecord(DkimKey.Algorithm algorithm, PublicKey key, int bits, boolean testing, boolean strict,
                        List<String> hashes) {

    /** The result of a look-up: a key, or the verdict result and reason why there is none. */
    public record Lookup(KeyRecord record, DkimVerdict.Result failure, String reason) {
        static Lookup failed(DkimVerdict.Result result, String reason) {
            return new Lookup(null, result, reason);
        }
    }

    /**
     * Fetches and parses the key of a selector and domain. No record (NXDOMAIN, no TXT) and an unusable record are
     * permerror; a DNS failure is temperror. When several TXT records answer, the first that is a key is used.
     */
    public static Lookup lookup(DnsResolver dns, String selector, String domain) {
        String name = selector + "._domainkey." + domain;
        DnsResolver.Answer<String> answer;
        try {
            answer = dns.txt(name);
        } catch (RuntimeException e) {
            return Lookup.failed(DkimVerdict.Result.TEMPERROR, "key look-up failed: " + e.getMessage());
        }
        switch (answer.status()) {
            case TEMPORARY_FAILURE:
                return Lookup.failed(DkimVerdict.Result.TEMPERROR, "DNS error looking up " + name);
            case NO_SUCH_DOMAIN:
            case NO_RECORDS:
                return Lookup.failed(DkimVerdict.Result.PERMERROR, "no key for signature (" + name + ")");
            default:
                break;
        }
        Lookup first = null;
        for (String txt : answer.records()) {
            Lookup parsed = parse(txt);
            if (parsed.record() != null) {
                return parsed;
            }
            if (first == null) {
                first = parsed;
            }
        }
        return first != null ? first : Lookup.failed(DkimVerdict.Result.PERMERROR, "no key for signature");
    }

    /** Parses a key record's TXT value. */
    public static Lookup parse(String txt) {
        TagList tags;
        try {
            tags = TagList.parse(txt);
        } catch (TagList.SyntaxException e) {
            return Lookup.failed(DkimVerdict.Result.PERMERROR, "key record syntax: " + e.getMessage());
        }
        if (tags.has("v") && (!"v".equals(tags.firstName()) || !"DKIM1".equals(tags.get("v").get()))) {
            return Lookup.failed(DkimVerdict.Result.PERMERROR, "key record v= is not DKIM1 first");
        }
        String k = tags.get("k").orElse("rsa");
        DkimKey.Algorithm algorithm;
        if ("rsa".equals(k)) {
            algorithm = DkimKey.Algorithm.RSA_SHA256;
        } else if ("ed25519".equals(k)) {
            algorithm = DkimKey.Algorithm.ED25519_SHA256;
        } else {
            return Lookup.failed(DkimVerdict.Result.PERMERROR, "unknown key type k=" + k);
        }
        List<String> hashes = tags.get("h").map(KeyRecord::colonList).orElse(List.of());
        if (!hashes.isEmpty() && !hashes.contains("sha256")) {
            return Lookup.failed(DkimVerdict.Result.PERMERROR, "key record h= excludes sha256");
        }
        List<String> services = tags.get("s").map(KeyRecord::colonList).orElse(List.of("*"));
        if (!services.contains("*") && !services.contains("email")) {
            return Lookup.failed(DkimVerdict.Result.PERMERROR, "key not for email (s=)");
        }
        List<String> flags = tags.get("t").map(KeyRecord::colonList).orElse(List.of());
        if (!tags.has("p")) {
            return Lookup.failed(DkimVerdict.Result.PERMERROR, "key record without p=");
        }
        byte[] der;
        try {
            der = TagList.base64(tags.get("p").get());
        } catch (TagList.SyntaxException e) {
            return Lookup.failed(DkimVerdict.Result.PERMERROR, "key p= is not base64");
        }
        if (der.length == 0) {
            return Lookup.failed(DkimVerdict.Result.PERMERROR, "key revoked (empty p=)");
        }
        try {
            PublicKey key;
            int bits;
            if (algorithm == DkimKey.Algorithm.RSA_SHA256) {
                RSAPublicKey rsa = DkimKeys.rsaPublicKey(der);
                key = rsa;
                bits = rsa.getModulus().bitLength();
            } else {
                key = DkimKeys.ed25519PublicKey(der);
                bits = 256;
            }
            return new Lookup(new KeyRecord(algorithm, key, bits, flags.contains("y"), flags.contains("s"), hashes),
                    null, "");
        } catch (GeneralSecurityException | RuntimeException e) {
            return Lookup.failed(DkimVerdict.Result.PERMERROR, "key p= is not a " + k + " public key");
        }
    }

    /** A colon-separated tag value ({@code h=}, {@code s=}, {@code t=}), whitespace around items removed. */
    static List<String> colonList(String value) {
        return Arrays.stream(value.split(":", -1)).map(TagList::trimFws).toList();
    }
}
