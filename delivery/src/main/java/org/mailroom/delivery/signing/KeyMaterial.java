package org.mailroom.delivery.signing;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.mailroom.core.store.DkimKeyRecord;
import org.mailroom.mailauth.dkim.DkimKey;

/**
 * DKIM key material as the directory stores it: generation (RSA-2048, Ed25519), the private key as PKCS#8 base64
 * text and back, and the public half as the TXT record value ({@code v=DKIM1; k=rsa; p=...}, RFC 6376 section
 * 3.6.1; for Ed25519 {@code p=} is the raw 32-octet key, RFC 8463 section 4.2).
 *
 * <p>XXX: stands in for the key helper being written in mailauth/dkim by the "dkim" helper; once merged, these
 * methods call it, so that there is one key codec.
 */
public final class KeyMaterial {

    private KeyMaterial() {}

    /** A new private key, as PKCS#8 base64 text. */
    public static String generate(String algorithm) {
        try {
            KeyPairGenerator generator;
            if (algorithm.equals(DkimKeyRecord.RSA_SHA256)) {
                generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
            } else {
                generator = KeyPairGenerator.getInstance("Ed25519");
            }
            return Base64.getEncoder().encodeToString(generator.generateKeyPair().getPrivate().getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make " + algorithm + " keys", e);
        }
    }

    /** The JDK key of a stored record, ready for the signer. @throws GeneralSecurityException when it is not one */
    public static DkimKey signingKey(DkimKeyRecord record) throws GeneralSecurityException {
        DkimKey.Algorithm algorithm = record.algorithm().equals(DkimKeyRecord.RSA_SHA256)
                ? DkimKey.Algorithm.RSA_SHA256 : DkimKey.Algorithm.ED25519_SHA256;
        return new DkimKey(record.domain(), record.selector(), algorithm, privateKey(record));
    }

    static PrivateKey privateKey(DkimKeyRecord record) throws GeneralSecurityException {
        byte[] der;
        try {
            der = Base64.getDecoder().decode(record.privateKey());
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("DKIM key " + record.selector() + " is not base64");
        }
        String type = record.algorithm().equals(DkimKeyRecord.RSA_SHA256) ? "RSA" : "Ed25519";
        return KeyFactory.getInstance(type).generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    /** The value of the {@code selector._domainkey.domain} TXT record. */
    public static String dnsRecord(DkimKeyRecord record) throws GeneralSecurityException {
        PrivateKey key = privateKey(record);
        byte[] publicKey;
        String k;
        if (key instanceof RSAPrivateCrtKey rsa) {
            k = "rsa";
            publicKey = KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent())).getEncoded();
        } else {
            k = "ed25519";
            try {
                Ed25519PrivateKeyParameters ed = (Ed25519PrivateKeyParameters) PrivateKeyFactory.createKey(key.getEncoded());
                publicKey = ed.generatePublicKey().getEncoded();
            } catch (IOException | ClassCastException e) {
                throw new GeneralSecurityException("DKIM key " + record.selector() + " is not an Ed25519 key");
            }
        }
        return "v=DKIM1; k=" + k + "; p=" + Base64.getEncoder().encodeToString(publicKey);
    }
}
