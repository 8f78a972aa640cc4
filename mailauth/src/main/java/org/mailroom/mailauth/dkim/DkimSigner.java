package org.mailroom.mailauth.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Signs messages that leave us (RFC 6376 section 5): relaxed/relaxed canonicalization, SHA-256, one
 * DKIM-Signature per key given (RSA and Ed25519 side by side, RFC 8463), with From, To, Subject, Date and
 * Message-ID signed once more than they occur (oversigned) so that none can be added in transit.
 *
 * <p>No {@code x=} (expiry: a message delayed in a queue for days must still verify) and no {@code l=} (a body
 * limit lets anyone append content). {@code t=} is set from the clock.
 */
public final class DkimSigner {

    /** The fields we sign when present (RFC 6376 section 5.4.1's list, trimmed to what a reader sees). */
    public static final List<String> SIGNED_FIELDS = List.of("From", "To", "Cc", "Subject", "Date", "Message-ID",
            "Reply-To", "In-Reply-To", "References", "MIME-Version", "Content-Type", "Content-Transfer-Encoding");

    /** Fields listed once more than they occur, so that adding one breaks the signature (section 8.15). */
    public static final Set<String> OVERSIGNED_FIELDS = Set.of("From", "To", "Subject", "Date", "Message-ID");

    private final Clock clock;

    public DkimSigner(Clock clock) {
        this.clock = clock;
    }

    /**
     * The DKIM-Signature header fields for a message, folded, each ending in CRLF, to be put in front of it.
     * Reads the message once (header section held, body hashed as it streams).
     *
     * @param message the message as it will be sent (CRLF line ends)
     * @param keys    the keys to sign with, all of one domain; empty gives ""
     * @throws IOException when the message cannot be read, its header section is over {@link HeaderSection#MAX_BYTES},
     *                     or a key cannot sign
     */
    public String sign(InputStream message, List<DkimKey> keys) throws IOException {
        if (keys.isEmpty()) {
            return "";
        }
        HeaderSection header = HeaderSection.read(message);
        if (header.tooLarge()) {
            throw new IOException("header section over " + HeaderSection.MAX_BYTES + " octets: not signed");
        }
        BodyHasher body = new BodyHasher(Canonicalization.RELAXED, -1);
        byte[] buffer = new byte[65536];
        int n;
        while ((n = header.body().read(buffer)) >= 0) {
            body.update(buffer, 0, n);
        }
        String bodyHash = Base64.getEncoder().encodeToString(body.finish());
        List<String> names = signedNames(header, SIGNED_FIELDS, OVERSIGNED_FIELDS);
        long now = clock.instant().getEpochSecond();
        StringBuilder out = new StringBuilder();
        for (DkimKey key : keys) {
            FieldFolder field = signatureTags(new FieldFolder("DKIM-Signature").tag("v", "1"), key, now, names, bodyHash);
            out.append(signField(field, header, names, key));
        }
        return out.toString();
    }

    /**
     * Adds the tags after a signature's first one ({@code v=1} for DKIM, {@code i=} for the ARC message signature),
     * in the order both write them: algorithm, relaxed/relaxed, domain, selector, time, signed fields, body hash.
     */
    public static FieldFolder signatureTags(FieldFolder field, DkimKey key, long now, List<String> names,
            String bodyHash) {
        return field.tag("a", key.algorithm().tag())
                .tag("c", "relaxed/relaxed")
                .tag("d", key.domain())
                .tag("s", key.selector())
                .tag("t", Long.toString(now))
                .tag("h", String.join(":", names))
                .tag("bh", bodyHash);
    }

    /**
     * Finishes a folded signature field: hashes the selected fields and the field itself (relaxed), signs, and
     * appends {@code b=}. Shared with the ARC sealer's message signature.
     */
    public static String signField(FieldFolder field, HeaderSection header, List<String> names, DkimKey key)
            throws IOException {
        String unsigned = field.unsigned();
        byte[] data = SignatureCheck.headerData(header.select(names), Canonicalization.RELAXED, unsigned);
        return field.signed(sign(key, data));
    }

    /** Signs header data with a key, base64. */
    public static String sign(DkimKey key, byte[] data) throws IOException {
        try {
            return Base64.getEncoder().encodeToString(SignatureCrypto.sign(key.algorithm(), key.privateKey(), data));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot sign with " + key.selector() + "._domainkey." + key.domain() + ": " + e, e);
        }
    }

    /**
     * The {@code h=} list: each wanted field as many times as it occurs, plus once more for the oversigned ones
     * (also when absent: then no one can add it).
     */
    public static List<String> signedNames(HeaderSection header, List<String> wanted, Set<String> oversigned) {
        List<String> names = new ArrayList<>();
        for (String name : wanted) {
            int count = header.count(name) + (oversigned.contains(name) ? 1 : 0);
            for (int i = 0; i < count; i++) {
                names.add(name);
            }
        }
        return names;
    }
}
