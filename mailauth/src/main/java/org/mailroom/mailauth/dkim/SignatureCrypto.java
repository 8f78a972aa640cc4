package org.mailroom.mailauth.dkim;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The two signature algorithms over the canonical header data, shared by DKIM and ARC.
 *
 * <p>RFC 8463 section 3: ed25519-sha256 computes the SHA-256 hash of the header data as RSA does, then signs that
 * 32-octet hash with PureEdDSA (Ed25519 of RFC 8032); the data is not given to Ed25519 directly.
 *
 * <p>Ed25519 runs on BouncyCastle's RFC 8032 code (bcprov, already ours for certificates and argon2id): the JDK 17
 * implementation took about 1 ms per verification, more than the rest of a message's checks together.
 */
public final class SignatureCrypto {

    private SignatureCrypto() {
    }

    public static byte[] sign(DkimKey.Algorithm algorithm, PrivateKey key, byte[] headerData)
            throws GeneralSecurityException {
        if (algorithm == DkimKey.Algorithm.ED25519_SHA256) {
            if (!(key instanceof EdECPrivateKey ed) || ed.getBytes().isEmpty()) {
                throw new InvalidKeyException("not an Ed25519 private key: " + key.getAlgorithm());
            }
            byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
            byte[] digest = input(algorithm, headerData);
            Ed25519.sign(ed.getBytes().get(), 0, digest, 0, digest.length, signature, 0);
            return signature;
        }
        Signature signature = instance(algorithm);
        signature.initSign(key);
        signature.update(input(algorithm, headerData));
        return signature.sign();
    }

    /** Whether the signature holds; a key or signature the JDK cannot use counts as "does not hold". */
    public static boolean verify(DkimKey.Algorithm algorithm, PublicKey key, byte[] headerData, byte[] signatureBytes) {
        try {
            if (algorithm == DkimKey.Algorithm.ED25519_SHA256) {
                if (signatureBytes.length != Ed25519.SIGNATURE_SIZE || !"EdDSA".equals(key.getAlgorithm())
                        && !"Ed25519".equals(key.getAlgorithm())) {
                    return false;
                }
                byte[] digest = input(algorithm, headerData);
                return Ed25519.verify(signatureBytes, 0, DkimKeys.rawEd25519(key), 0, digest, 0, digest.length);
            }
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
