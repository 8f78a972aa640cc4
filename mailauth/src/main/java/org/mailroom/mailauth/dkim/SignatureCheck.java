package org.mailroom.mailauth.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.mailroom.core.dns.DnsResolver;
import org.mailroom.mailauth.dkim.DkimVerdict.Result;

/**
 * Checks one parsed signature against the message (RFC 6376 section 6.1.3 and 6.1.2), for DKIM-Signature and
 * ARC-Message-Signature alike: expiry, body hash, key, then the signature over the selected header fields.
 * The body hash is compared before the key is looked up, so a modified body costs no DNS question.
 */
public final class SignatureCheck {

    /** RFC 8301 section 3.2: RSA keys under 1024 bits are not to be trusted. */
    public static final int MIN_RSA_BITS = 1024;

    private SignatureCheck() {
    }

    /**
     * The verdict on one signature whose body hash was computed.
     *
     * @param bodies         holds the hash this signature asked for (requested before the body was consumed)
     * @param nowEpochSecond the time to judge {@code x=} by
     */
    public static DkimVerdict check(SignatureTags sig, HeaderSection header, BodyHashes bodies, DnsResolver dns,
                                    long nowEpochSecond) {
        if (sig.expiry() >= 0 && nowEpochSecond > sig.expiry()) {
            return verdict(sig, Result.POLICY, "signature expired (x=)");
        }
        BodyHashes.Result body = bodies.get(sig.bodyCanon(), sig.length());
        if (sig.length() >= 0 && sig.length() > body.canonicalLength()) {
            return verdict(sig, Result.FAIL, "body shorter than l=");
        }
        if (!MessageDigest.isEqual(body.hash(), sig.bodyHash())) {
            return verdict(sig, Result.FAIL, "body hash did not verify");
        }
        String identityDomain = sig.identity().isEmpty() ? "" : sig.identityDomain();
        byte[] data = headerData(header.select(sig.signedHeaders()), sig.headerCanon(), sig.field().raw());
        Outcome outcome = verify(dns, sig.selector(), sig.domain(), sig.algorithm(), identityDomain, data, sig.signature());
        return verdict(sig, outcome.result(), outcome.reason());
    }

    /** A result and its reason. */
    public record Outcome(Result result, String reason) {}

    /**
     * Fetches the key of {@code selector._domainkey.domain}, checks it may verify this signature, and verifies
     * it over the header data. Shared by DKIM signatures, ARC message signatures and ARC seals.
     *
     * @param identityDomain the domain of DKIM's {@code i=} (for the key's {@code t=s}), "" for ARC
     */
    public static Outcome verify(DnsResolver dns, String selector, String domain, DkimKey.Algorithm algorithm,
                                 String identityDomain, byte[] headerData, byte[] signature) {
        KeyRecord.Lookup lookup = KeyRecord.lookup(dns, selector, domain);
        if (lookup.record() == null) {
            return new Outcome(lookup.failure(), lookup.reason());
        }
        KeyRecord key = lookup.record();
        if (key.algorithm() != algorithm) {
            return new Outcome(Result.PERMERROR, "key type does not match a=");
        }
        if (key.strict() && !identityDomain.isEmpty() && !identityDomain.equals(domain)) {
            return new Outcome(Result.PERMERROR, "key t=s forbids an i= subdomain");
        }
        if (key.algorithm() == DkimKey.Algorithm.RSA_SHA256 && key.bits() < MIN_RSA_BITS) {
            return new Outcome(Result.POLICY, key.bits() + "-bit RSA key is too short");
        }
        if (!SignatureCrypto.verify(algorithm, key.key(), headerData, signature)) {
            return new Outcome(Result.FAIL, "signature did not verify");
        }
        String bits = key.algorithm() == DkimKey.Algorithm.RSA_SHA256 ? key.bits() + "-bit key" : "ed25519 key";
        return new Outcome(Result.PASS, key.testing() ? bits + ", testing" : bits);
    }

    /**
     * The data a signature covers (RFC 6376 section 3.7): the selected fields canonicalized, then the signature
     * field itself with its {@code b=} value emptied and without its final CRLF.
     *
     * @param signatureField the raw signature field (its {@code b=} may hold a value: it is emptied here)
     */
    public static byte[] headerData(List<HeaderSection.Field> selected, Canonicalization canonicalization,
                                    String signatureField) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        for (HeaderSection.Field f : selected) {
            out.writeBytes(canonicalization.header(f).getBytes(StandardCharsets.ISO_8859_1));
        }
        String own = canonicalization.header(TagList.withEmptyValue(signatureField, "b"));
        out.writeBytes(own.substring(0, own.length() - 2).getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    static DkimVerdict verdict(SignatureTags sig, Result result, String reason) {
        return new DkimVerdict(result, sig.domain(), sig.selector(), sig.algorithm().tag(),
                prefix(sig.field()), reason);
    }

    /** The first 8 characters of {@code b=} without whitespace ({@code header.b}, RFC 6008), or "". */
    static String prefix(HeaderSection.Field field) {
        try {
            String b = TagList.parse(field.value()).get("b").orElse("");
            StringBuilder s = new StringBuilder(8);
            for (int i = 0; i < b.length() && s.length() < 8; i++) {
                if (!TagList.isFwsChar(b.charAt(i))) {
                    s.append(b.charAt(i));
                }
            }
            return s.toString();
        } catch (TagList.SyntaxException e) {
            return "";
        }
    }
}
