package org.mailroom.mailauth.dkim;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/**
 * The two signature algorithms over the canonical header data, shared by DKIM and ARC.
 *
 * <p>RFC 8463 section 3: ed25519-sha256 computes the SHA-256 hash of the header data as RSA does, then signs that
 * 32-octet hash with PureEdDSA (Ed25519 of RFC 8032); the data is not given to Ed25519 directly.
 */
public final class SignatureCrypto {

    private SignatureCrypto() {
    }

    public static byte[] sign(DkimKey.Algorithm algorithm, PrivateKey key, byte[] headerData)
            throws GeneralSecurityException {
        Signature signature = instance(algorithm);
        signature.initSign(key);
        signature.update(input(algorithm, headerData));
        return signature.sign();
    }

    /** Whether the signature holds; a key or signature the JDK cannot use counts as "does not hold". */
    public static boolean verify(DkimKey.Algorithm algorithm, PublicKey key, byte[] headerData, byte[] signatureBytes) {
        try {
            Signature signature = instance(algorithm);
            signature.initVerify(key);
            signature.update(input(algorithm, headerData));
            return signature.verify(signatureBytes);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false; // e.g. a signature of the wrong length for the key
        }
    }

    private static Signature instance(DkimKey.Algorithm algorithm) throws GeneralSecurityException {
        return Signature.getInstance(algorithm == DkimKey.Algorithm.RSA_SHA256 ? "SHA256withRSA" : "Ed25519");
    }

    private static byte[] input(DkimKey.Algorithm algorithm, byte[] headerData) throws GeneralSecurityException {
        return algorithm == DkimKey.Algorithm.RSA_SHA256
                ? headerData
                : MessageDigest.getInstance("SHA-256").digest(headerData);
    }

    /** The algorithm named by an {@code a=} tag, or null (rsa-sha1 among them: RFC 8301 forbids it). */
    public static DkimKey.Algorithm algorithm(String tag) {
        for (DkimKey.Algorithm a : DkimKey.Algorithm.values()) {
            if (a.tag().equals(tag)) {
                return a;
            }
        }
        return null;
    }
}
