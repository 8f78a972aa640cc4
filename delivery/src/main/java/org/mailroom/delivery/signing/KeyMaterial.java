package org.mailroom.delivery.signing;

import java.security.GeneralSecurityException;
import org.mailroom.core.store.DkimKeyRecord;
import org.mailroom.mailauth.dkim.DkimKey;
import org.mailroom.mailauth.dkim.DkimKeys;

/**
 * Between the directory's {@link DkimKeyRecord} (core knows nothing of keys: the algorithm is its {@code a=} tag and
 * the key is text) and mailauth's {@link DkimKeys}, which is the one codec: generation, PKCS#8 text, the TXT record.
 */
public final class KeyMaterial {

    private KeyMaterial() {}

    public static DkimKey.Algorithm algorithm(String tag) {
        return tag.equals(DkimKeyRecord.RSA_SHA256) ? DkimKey.Algorithm.RSA_SHA256 : DkimKey.Algorithm.ED25519_SHA256;
    }

    /** A new private key (RSA-2048 or Ed25519), as the text the directory stores. */
    public static String generate(String algorithm) {
        return DkimKeys.encodePrivateKey(DkimKeys.generate(algorithm(algorithm)).getPrivate());
    }

    /** The signing key of a stored record. @throws GeneralSecurityException when its text is not such a key */
    public static DkimKey signingKey(DkimKeyRecord record) throws GeneralSecurityException {
        try {
            return DkimKeys.decode(record.domain(), record.selector(), algorithm(record.algorithm()), record.privateKey());
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("DKIM key " + record.selector() + " of " + record.domain() + ": "
                    + e.getMessage());
        }
    }

    /** The value of the {@code selector._domainkey.domain} TXT record. */
    public static String dnsRecord(DkimKeyRecord record) throws GeneralSecurityException {
        try {
            return DkimKeys.publicKeyRecord(signingKey(record));
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException(e.getMessage());
        }
    }
}
