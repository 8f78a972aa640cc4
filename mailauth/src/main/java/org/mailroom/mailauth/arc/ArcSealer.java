package org.mailroom.mailauth.arc;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.mailroom.core.dns.DnsResolver;
import org.mailroom.mailauth.dkim.BodyHashes;
import org.mailroom.mailauth.dkim.Canonicalization;
import org.mailroom.mailauth.dkim.DkimKey;
import org.mailroom.mailauth.dkim.DkimSigner;
import org.mailroom.mailauth.dkim.FieldFolder;
import org.mailroom.mailauth.dkim.HeaderSection;

/**
 * Adds an ARC set (ARC-Authentication-Results, ARC-Message-Signature, ARC-Seal; RFC 8617 section 5.1) to a message
 * we forward to another domain (an alias), so that its receiver can trust our Authentication-Results.
 *
 * <p>The AAR copies our Authentication-Results (the one with our authserv-id) behind {@code i=N;}. The AMS signs
 * like our DKIM signer (relaxed/relaxed, the same fields, oversigned) plus the DKIM-Signature fields present; never
 * an ARC field nor an Authentication-Results (section 4.1.2: later hops may remove those). The AS signs all ARC sets, relaxed, with {@code cv=none} on the first set and
 * {@code cv=pass} after a chain that validated. Seals are rsa-sha256: RFC 8617 section 4.1.3 names it the one
 * algorithm every ARC verifier supports (Ed25519 ARC is not widely verified).
 */
public final class ArcSealer {

    private final DnsResolver dns;
    private final Clock clock;

    public ArcSealer(DnsResolver dns, Clock clock) {
        this.dns = dns;
        this.clock = clock;
    }

    /**
     * The three header fields of the next ARC set, each ending in CRLF, to be put in front of the message; ""
     * when the chain already failed (RFC 8617 section 5.1.2: a failed chain is not sealed again) or has 50 sets.
     *
     * @param message    the message as stored here (with our Authentication-Results, whose results go into
     *                   the ARC-Authentication-Results)
     * @param key        our signing key (the forwarding domain's), RSA
     * @param authservId our authserv-id (the host name), to find our Authentication-Results
     * @throws IllegalArgumentException when the key is not an RSA key
     */
    public String seal(InputStream message, DkimKey key, String authservId) throws IOException {
        if (key.algorithm() != DkimKey.Algorithm.RSA_SHA256) {
            throw new IllegalArgumentException("ARC seals with rsa-sha256 (RFC 8617): give the domain's RSA key");
        }
        HeaderSection header = HeaderSection.read(message);
        if (header.tooLarge()) {
            return "";
        }
        BodyHashes bodies = new BodyHashes();
        ArcChain chain = ArcChain.of(header, bodies);
        bodies.request(Canonicalization.RELAXED, -1);
        bodies.consume(header.body());
        long now = clock.instant().getEpochSecond();
        ArcVerdict verdict = chain.validate(bodies, dns, now);
        if (verdict.result() == ArcVerdict.Result.FAIL || chain.instances() >= 50) {
            return "";
        }
        int instance = chain.instances() + 1;
        String cv = instance == 1 ? "none" : "pass";

        String aar = "ARC-Authentication-Results: i=" + instance + "; " + ourResults(header, authservId, cv);

        List<String> names = new ArrayList<>(DkimSigner.signedNames(header, DkimSigner.SIGNED_FIELDS,
                DkimSigner.OVERSIGNED_FIELDS));
        for (int i = 0; i < header.count("DKIM-Signature"); i++) {
            names.add("DKIM-Signature");
        }
        String bodyHash = Base64.getEncoder().encodeToString(bodies.get(Canonicalization.RELAXED, -1).hash());
        FieldFolder amsField = DkimSigner.signatureTags(
                new FieldFolder(ArcChain.MESSAGE_SIGNATURE).tag("i", Integer.toString(instance)), key, now, names, bodyHash);
        String ams = DkimSigner.signField(amsField, header, names, key);

        FieldFolder sealField = new FieldFolder(ArcChain.SEAL)
                .tag("i", Integer.toString(instance))
                .tag("a", key.algorithm().tag())
                .tag("t", Long.toString(now))
                .tag("cv", cv)
                .tag("d", key.domain())
                .tag("s", key.selector());
        String unsigned = sealField.unsigned();
        byte[] data = ArcChain.sealData(chain.sets(), HeaderSection.Field.of(aar), field(ams), unsigned);
        String seal = sealField.signed(DkimSigner.sign(key, data));
        return seal + ams + aar + "\r\n";
    }

    /** Seals with the RSA key among a domain's keys (the DKIM signer gets them all). */
    public String seal(InputStream message, List<DkimKey> keys, String authservId) throws IOException {
        for (DkimKey key : keys) {
            if (key.algorithm() == DkimKey.Algorithm.RSA_SHA256) {
                return seal(message, key, authservId);
            }
        }
        throw new IllegalArgumentException("ARC seals with rsa-sha256 (RFC 8617): no RSA key given");
    }

    /**
     * The payload of our Authentication-Results (top-most with our authserv-id), as written after the colon and
     * its leading whitespace; without one, a minimal payload with the ARC result.
     */
    private static String ourResults(HeaderSection header, String authservId, String cv) {
        for (HeaderSection.Field f : header.named("Authentication-Results")) {
            String value = f.value().stripLeading();
            int semicolon = value.indexOf(';');
            String id = (semicolon < 0 ? value : value.substring(0, semicolon)).strip();
            // the authserv-id may carry a version ("example.org 1"); compare its first word
            String firstWord = id.split("[ \\t\\r\\n(]", 2)[0];
            if (firstWord.toLowerCase(Locale.ROOT).equals(authservId.toLowerCase(Locale.ROOT))) {
                return value;
            }
        }
        return authservId + "; arc=" + cv;
    }

    private static HeaderSection.Field field(String text) {
        return HeaderSection.Field.of(text.endsWith("\r\n") ? text.substring(0, text.length() - 2) : text);
    }
}
