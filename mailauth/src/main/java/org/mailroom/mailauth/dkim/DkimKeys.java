package org.mailroom.mailauth.dkim;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * DKIM keys: making them, storing them as text, and the DNS record that publishes their public half.
 *
 * <p>Stored form: the PKCS#8 encoding of the private key in base64 (one line), for both algorithms.
 * {@link #decode} also takes the form OpenDKIM and dkimpy use for Ed25519 (base64 of the raw 32-octet seed).
 *
 * <p>Published form (RFC 6376 section 3.6.1, RFC 8463 section 4): {@code v=DKIM1; k=rsa; p=<SubjectPublicKeyInfo>}
 * and {@code v=DKIM1; k=ed25519; p=<the raw 32-octet public key>}; the Ed25519 one is not wrapped in a
 * SubjectPublicKeyInfo.
 */
public final class DkimKeys {

    /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): the raw key follows. */
    private static final byte[] ED25519_SPKI_PREFIX = hex("302a300506032b6570032100");
    /** DER prefix of an Ed25519 PKCS#8 private key (RFC 8410, version 0): the 32-octet seed follows. */
    private static final byte[] ED25519_PKCS8_PREFIX = hex("302e020100300506032b657004220420");
    /** DER of the AlgorithmIdentifier rsaEncryption with NULL parameters. */
    private static final byte[] RSA_ALGORITHM_ID = hex("300d06092a864886f70d0101010500");

    private DkimKeys() {
    }

    /** A new key pair: RSA 2048 bits (RFC 8301 asks at least 1024, 2048 is what receivers expect) or Ed25519. */
    public static KeyPair generate(DkimKey.Algorithm algorithm) {
        try {
            if (algorithm == DkimKey.Algorithm.RSA_SHA256) {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(2048);
                return g.generateKeyPair();
            }
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK makes RSA and Ed25519 keys", e);
        }
    }

    /** The private key as stored: base64 of its PKCS#8 encoding. */
    public static String encodePrivateKey(PrivateKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /**
     * A stored private key back as a signing key.
     *
     * @param text base64 of PKCS#8 (either algorithm) or, for Ed25519, of the raw 32-octet seed; whitespace and
     *             PEM armour lines are ignored
     * @throws IllegalArgumentException when the text is not a key of that algorithm
     */
    public static DkimKey decode(String domain, String selector, DkimKey.Algorithm algorithm, String text) {
        StringBuilder b64 = new StringBuilder();
        for (String line : text.split("\\R")) {
            if (!line.startsWith("-----")) {
                b64.append(line.strip());
            }
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(b64.toString());
            if (algorithm == DkimKey.Algorithm.ED25519_SHA256 && der.length == 32) {
                der = concat(ED25519_PKCS8_PREFIX, der);
            }
            KeyFactory factory = KeyFactory.getInstance(jdkName(algorithm));
            PrivateKey key = factory.generatePrivate(new PKCS8EncodedKeySpec(der));
            return new DkimKey(domain, selector, algorithm, key);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a " + algorithm.keyType() + " private key: " + e.getMessage(), e);
        }
    }

    /** The TXT record value to publish at {@code selector._domainkey.domain} for a public key. */
    public static String publicKeyRecord(PublicKey key) {
        if (key instanceof RSAPublicKey) {
            return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(key.getEncoded());
        }
        return "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(rawEd25519(key));
    }

    /** The TXT record value for a signing key (its public half derived from the private one). */
    public static String publicKeyRecord(DkimKey key) {
        return publicKeyRecord(publicKey(key));
    }

    /** The public half of a signing key. */
    public static PublicKey publicKey(DkimKey key) {
        try {
            if (key.privateKey() instanceof RSAPrivateCrtKey rsa) {
                return KeyFactory.getInstance("RSA")
                        .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            }
            if (key.privateKey() instanceof EdECPrivateKey ed && ed.getBytes().isPresent()) {
                return ed25519PublicKey(Ed25519Point.publicKey(ed.getBytes().get()));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalArgumentException("cannot derive the public key of " + key.privateKey().getAlgorithm());
    }

    /** The raw 32-octet form of an Ed25519 public key (the last 32 octets of its SubjectPublicKeyInfo). */
    public static byte[] rawEd25519(PublicKey key) {
        byte[] spki = key.getEncoded();
        return Arrays.copyOfRange(spki, spki.length - 32, spki.length);
    }

    /** An Ed25519 public key from its raw 32 octets (RFC 8463's {@code p=}). */
    public static PublicKey ed25519PublicKey(byte[] raw) throws GeneralSecurityException {
        if (raw.length != 32) {
            throw new GeneralSecurityException("an Ed25519 key has 32 octets, not " + raw.length);
        }
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(concat(ED25519_SPKI_PREFIX, raw)));
    }

    /**
     * An RSA public key from a {@code p=} value: a SubjectPublicKeyInfo as RFC 6376 publishes it or, as some
     * publish, a bare PKCS#1 RSAPublicKey (wrapped here into the former).
     */
    public static RSAPublicKey rsaPublicKey(byte[] der) throws GeneralSecurityException {
        KeyFactory factory = KeyFactory.getInstance("RSA");
        try {
            return (RSAPublicKey) factory.generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException spkiFailed) {
            byte[] bitString = derElement(0x03, concat(new byte[] {0}, der));
            byte[] spki = derElement(0x30, concat(RSA_ALGORITHM_ID, bitString));
            try {
                return (RSAPublicKey) factory.generatePublic(new X509EncodedKeySpec(spki));
            } catch (RuntimeException e) {
                throw new GeneralSecurityException("not an RSA public key", e);
            }
        }
    }

    static String jdkName(DkimKey.Algorithm algorithm) {
        return algorithm == DkimKey.Algorithm.RSA_SHA256 ? "RSA" : "Ed25519";
    }

    private static byte[] derElement(int tag, byte[] content) {
        int n = content.length;
        byte[] length;
        if (n < 0x80) {
            length = new byte[] {(byte) n};
        } else if (n < 0x100) {
            length = new byte[] {(byte) 0x81, (byte) n};
        } else if (n < 0x10000) {
            length = new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
        } else {
            length = new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        }
        return concat(concat(new byte[] {(byte) tag}, length), content);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static byte[] hex(String s) {
        byte[] r = new byte[s.length() / 2];
        for (int i = 0; i < r.length; i++) {
            r[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return r;
    }

    /**
     * Ed25519 public key derivation (RFC 8032 section 5.1.5), which the JDK 17 API does not offer: A = s·B with s
     * the clamped first half of SHA-512(seed). Slow affine arithmetic on purpose: it runs once per key, when the
     * DNS record is printed, and is short enough to check against the RFC.
     */
    static final class Ed25519Point {
        private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
        private static final BigInteger D = BigInteger.valueOf(-121665)
                .multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
        private static final BigInteger BY = BigInteger.valueOf(4).multiply(BigInteger.valueOf(5).modInverse(P)).mod(P);
        private static final BigInteger BX = recoverX(BY);

        private Ed25519Point() {
        }

        static byte[] publicKey(byte[] seed) {
            byte[] h;
            try {
                h = MessageDigest.getInstance("SHA-512").digest(seed);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            byte[] s = Arrays.copyOf(h, 32);
            s[0] &= (byte) 248;
            s[31] &= 127;
            s[31] |= 64;
            BigInteger scalar = littleEndian(s);
            BigInteger[] a = {BigInteger.ZERO, BigInteger.ONE};
            BigInteger[] base = {BX, BY};
            for (int i = scalar.bitLength() - 1; i >= 0; i--) {
                a = add(a, a);
                if (scalar.testBit(i)) {
                    a = add(a, base);
                }
            }
            byte[] out = new byte[32];
            byte[] y = a[1].toByteArray(); // big-endian, maybe with a leading zero
            for (int i = 0; i < 32 && i < y.length; i++) {
                out[i] = y[y.length - 1 - i];
            }
            if (a[0].testBit(0)) {
                out[31] |= (byte) 0x80;
            }
            return out;
        }

        private static BigInteger[] add(BigInteger[] p1, BigInteger[] p2) {
            BigInteger x1x2 = p1[0].multiply(p2[0]).mod(P);
            BigInteger y1y2 = p1[1].multiply(p2[1]).mod(P);
            BigInteger dxy = D.multiply(x1x2).multiply(y1y2).mod(P);
            BigInteger x3 = p1[0].multiply(p2[1]).add(p2[0].multiply(p1[1]))
                    .multiply(BigInteger.ONE.add(dxy).modInverse(P)).mod(P);
            BigInteger y3 = y1y2.add(x1x2).multiply(BigInteger.ONE.subtract(dxy).mod(P).modInverse(P)).mod(P);
            return new BigInteger[] {x3, y3};
        }

        private static BigInteger recoverX(BigInteger y) {
            BigInteger y2 = y.multiply(y);
            BigInteger x2 = y2.subtract(BigInteger.ONE)
                    .multiply(D.multiply(y2).add(BigInteger.ONE).modInverse(P)).mod(P);
            BigInteger x = x2.modPow(P.add(BigInteger.valueOf(3)).divide(BigInteger.valueOf(8)), P);
            if (!x.multiply(x).subtract(x2).mod(P).equals(BigInteger.ZERO)) {
                BigInteger i = BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).divide(BigInteger.valueOf(4)), P);
                x = x.multiply(i).mod(P);
            }
            return x.testBit(0) ? P.subtract(x) : x;
        }

        private static BigInteger littleEndian(byte[] le) {
            byte[] be = new byte[le.length];
            for (int i = 0; i < le.length; i++) {
                be[i] = le[le.length - 1 - i];
            }
            return new BigInteger(1, be);
        }
    }
}
