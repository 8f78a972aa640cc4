package org.mailroom.delivery.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority for tests (BouncyCastle): its certificate as a PEM file for {@code outbound.tls_trust},
 * and server identities it issues for chosen names, as {@link SSLContext}s for test servers.
 *
 * <pre>{@code
 * TestCa ca = new TestCa();
 * TestCa.Identity mx = ca.issue("mx.b.test");            // or ca.issue(expired, "mx.b.test")
 * ca.writePem(dir.resolve("ca.pem"));
 * SSLContext server = mx.serverContext();
 * }</pre>
 */
public final class TestCa {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A key and the certificate chain (leaf, CA) issued for it. */
    public record Identity(KeyPair keys, X509Certificate certificate, X509Certificate ca) {
        public SSLContext serverContext() {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("server", keys.getPrivate(), new char[0], new X509Certificate[] {certificate, ca});
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(store, new char[0]);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(kmf.getKeyManagers(), null, null);
                return context;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** SHA-256 of the certificate's SubjectPublicKeyInfo: the data of a {@code 3 1 1} TLSA record. */
        public byte[] spkiSha256() {
            try {
                return MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Certificate chain and key as PEM files, as {@code tls.certificate} and {@code tls.private_key} take them. */
        public void writePem(Path certificateFile, Path keyFile) throws IOException {
            Files.writeString(certificateFile, pem("CERTIFICATE", encoded(certificate)) + pem("CERTIFICATE", encoded(ca)));
            Files.writeString(keyFile, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        }
    }

    private final KeyPair keys;
    private final X509Certificate certificate;

    public TestCa() {
        try {
            keys = newKeys();
            X500Name name = new X500Name("CN=Mailroom Test CA");
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(365))), name, keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** A certificate valid now for these DNS names. */
    public Identity issue(String... names) {
        Instant now = Instant.now();
        return issue(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(365)), names);
    }

    public Identity issue(Instant notBefore, Instant notAfter, String... names) {
        try {
            KeyPair leaf = newKeys();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    new X500Name("CN=Mailroom Test CA"), BigInteger.valueOf(SERIAL.incrementAndGet()),
                    Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + names[0]), leaf.getPublic());
            GeneralName[] alt = new GeneralName[names.length];
            for (int i = 0; i < names.length; i++) alt[i] = new GeneralName(GeneralName.dNSName, names[i]);
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            return new Identity(leaf, cert, certificate);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The CA certificate as PEM, for {@code outbound.tls_trust}. */
    public Path writePem(Path file) throws IOException {
        Files.writeString(file, pem("CERTIFICATE", encoded(certificate)));
        return file;
    }

    private static KeyPair newKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static byte[] encoded(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
