package org.mailroom.protocol.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.math.BigInteger;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateKey;
import org.bouncycastle.util.io.pem.PemHeader;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateSourceTest {

    private static final Instant START = Instant.parse("2026-01-10T12:00:00Z");

    @TempDir
    Path dir;

    // --- self-signed ---

    @Test
    void selfSignedIsCreatedOnceAndReusedByTheNextStart() throws Exception {
        TlsCredentials first = CertificateSource.selfSigned(dir, "Mail.Example.Test", clockAt(START)).load();
        TlsCredentials second = CertificateSource.selfSigned(dir, "mail.example.test", clockAt(START.plus(Duration.ofDays(100)))).load();

        assertThat(second.leaf()).isEqualTo(first.leaf());
        assertThat(second.privateKey()).isEqualTo(first.privateKey());
        X509Certificate certificate = first.leaf();
        assertThat(SelfSignedIssuer.names(certificate)).containsExactly("mail.example.test", "localhost", "127.0.0.1");
        assertThat(certificate.getNotAfter().toInstant()).isEqualTo(START.plus(Duration.ofDays(365)));
        assertThat(first.privateKey()).isInstanceOf(ECPrivateKey.class);
        assertThat(((ECPrivateKey) first.privateKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(Files.getPosixFilePermissions(dir.resolve("tls/self-signed.key")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(dir.resolve("tls/self-signed.crt"))).startsWith("-----BEGIN CERTIFICATE-----");
    }

    @Test
    void selfSignedIsRenewedWithinThirtyDaysOfExpiry() throws Exception {
        X509Certificate original = CertificateSource.selfSigned(dir, "mail.example.test", clockAt(START)).load().leaf();

        Instant late = START.plus(Duration.ofDays(336)); // 29 days left
        X509Certificate renewed = CertificateSource.selfSigned(dir, "mail.example.test", clockAt(late)).load().leaf();
        assertThat(renewed.getSerialNumber()).isNotEqualTo(original.getSerialNumber());
        assertThat(renewed.getNotAfter().toInstant()).isEqualTo(late.plus(Duration.ofDays(365)));

        // ...and the renewed one is what the next start finds.
        assertThat(CertificateSource.selfSigned(dir, "mail.example.test", clockAt(late)).load().leaf()).isEqualTo(renewed);
    }

    @Test
    void runningContextRenewsItsSelfSignedCertificate() throws Exception {
        MovableClock clock = new MovableClock(START);
        TlsContext tls = new TlsContext(CertificateSource.selfSigned(dir, "mail.example.test", clock), Duration.ZERO);
        X509Certificate original = tls.certificate();

        clock.now = START.plus(Duration.ofDays(200));
        tls.newHandler(ByteBufAllocator.DEFAULT);
        assertThat(tls.certificate()).isEqualTo(original);

        clock.now = START.plus(Duration.ofDays(340));
        tls.newHandler(ByteBufAllocator.DEFAULT);
        assertThat(tls.certificate()).isNotEqualTo(original);
    }

    @Test
    void selfSignedIsReplacedWhenTheHostnameChangesOrTheFileIsDamaged() throws Exception {
        X509Certificate original = CertificateSource.selfSigned(dir, "old.example.test", clockAt(START)).load().leaf();
        X509Certificate renamed = CertificateSource.selfSigned(dir, "new.example.test", clockAt(START)).load().leaf();
        assertThat(SelfSignedIssuer.names(renamed)).contains("new.example.test").doesNotContain("old.example.test");
        assertThat(renamed).isNotEqualTo(original);

        Files.writeString(dir.resolve("tls/self-signed.key"), "garbage\n");
        X509Certificate repaired = CertificateSource.selfSigned(dir, "new.example.test", clockAt(START)).load().leaf();
        assertThat(repaired).isNotEqualTo(renamed);
    }

    @Test
    void configNeedsBothFilesOrNeither() {
        Path file = dir.resolve("x.pem");
        assertThat(CertificateSource.forConfig(null, null, dir, "mail.example.test").toString()).contains("self-signed");
        assertThatThrownBy(() -> CertificateSource.forConfig(file, null, dir, "h")).hasMessageContaining("tls.private_key");
        assertThatThrownBy(() -> CertificateSource.forConfig(null, file, dir, "h")).hasMessageContaining("tls.certificate");
    }

    // --- PEM files as administrators have them ---

    @Test
    void loadsRsaKeyInPkcs1() throws Exception {
        KeyPair keys = TestCertificates.rsaKeys();
        String pem = pem(keys.getPrivate()); // JcaPEMWriter writes the traditional OpenSSL form
        assertThat(pem).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertLoads(keys, pem);
    }

    @Test
    void loadsRsaKeyInPkcs8() throws Exception {
        KeyPair keys = TestCertificates.rsaKeys();
        String pem = pem(new JcaPKCS8Generator(keys.getPrivate(), null));
        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
        assertLoads(keys, pem);
    }

    @Test
    void loadsEcKeyInSec1AndPkcs8() throws Exception {
        KeyPair keys = TestCertificates.ecKeys();
        assertLoads(keys, sec1(keys, false));
        assertLoads(keys, sec1(keys, true));
        assertLoads(keys, pem(new JcaPKCS8Generator(keys.getPrivate(), null)));
    }

    @Test
    void keepsChainOrderAndAcceptsKeyAndChainInOneFile() throws Exception {
        KeyPair keys = TestCertificates.ecKeys();
        X509Certificate leaf = TestCertificates.certificate(keys, "mail.example.test");
        X509Certificate intermediate = TestCertificates.certificate(TestCertificates.ecKeys(), "Example CA");
        Path combined = dir.resolve("combined.pem");
        Files.writeString(combined, sec1(keys, true) + pem(leaf) + pem(intermediate), StandardCharsets.US_ASCII);

        TlsCredentials credentials = CertificateSource.files(combined, combined).load();
        assertThat(credentials.chain()).containsExactly(leaf, intermediate);
        assertSameKey(credentials.privateKey(), keys.getPrivate());
    }

    @Test
    void refusesAKeyThatIsNotTheCertificates() throws Exception {
        Path chain = write("chain.pem", pem(TestCertificates.certificate(TestCertificates.ecKeys(), "a.example.test")));
        Path key = write("key.pem", pem(new JcaPKCS8Generator(TestCertificates.ecKeys().getPrivate(), null)));
        assertThatThrownBy(() -> CertificateSource.files(chain, key).load())
                .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("does not belong");
    }

    @Test
    void refusesAnEncryptedKeyWithAHint() throws Exception {
        KeyPair keys = TestCertificates.ecKeys();
        Path chain = write("chain.pem", pem(TestCertificates.certificate(keys, "a.example.test")));
        // The traditional OpenSSL form with "Proc-Type: 4,ENCRYPTED"; the loader stops at the headers, so the
        // body need not be real ciphertext (making real ciphertext would need the BC provider registered).
        List<PemHeader> headers = List.of(new PemHeader("Proc-Type", "4,ENCRYPTED"),
                new PemHeader("DEK-Info", "AES-128-CBC,00112233445566778899AABBCCDDEEFF"));
        Path key = write("key.pem", pem(new PemObject("EC PRIVATE KEY", headers, new byte[48])));
        assertThatThrownBy(() -> CertificateSource.files(chain, key).load())
                .hasMessageContaining("key.pem").hasMessageContaining("encrypted");
    }

    @Test
    void namesTheFileWithoutCertificates() throws Exception {
        Path chain = write("chain.pem", "hello\n");
        assertThatThrownBy(() -> CertificateSource.files(chain, chain).load())
                .hasMessageContaining("chain.pem").hasMessageContaining("no CERTIFICATE");
    }

    // --- channel binding (RFC 5929 section 4.1) ---

    @Test
    void serverEndPointUsesTheSignatureHashButNeverSha1() throws Exception {
        KeyPair rsa = TestCertificates.rsaKeys();
        KeyPair ec = TestCertificates.ecKeys();
        X509Certificate sha256 = signedWith("SHA256withRSA", rsa);
        X509Certificate sha384 = signedWith("SHA384withECDSA", ec);
        X509Certificate sha1 = signedWith("SHA1withRSA", rsa);

        assertThat(ChannelBinding.tlsServerEndPoint(sha256)).contains(digest("SHA-256", sha256));
        assertThat(ChannelBinding.tlsServerEndPoint(sha384)).contains(digest("SHA-384", sha384));
        assertThat(ChannelBinding.tlsServerEndPoint(sha1)).contains(digest("SHA-256", sha1));
    }

    // --- helpers ---

    private void assertLoads(KeyPair keys, String keyPem) throws Exception {
        X509Certificate certificate = TestCertificates.certificate(keys, "mail.example.test");
        Path chain = write("chain.pem", pem(certificate));
        Path key = write("key.pem", keyPem);
        TlsCredentials credentials = CertificateSource.files(chain, key).load();
        assertThat(credentials.chain()).containsExactly(certificate);
        assertSameKey(credentials.privateKey(), keys.getPrivate());
        new TlsContext(CertificateSource.files(chain, key)); // and the JDK engine accepts it
    }

    /**
     * An EC key in SEC1 form ("EC PRIVATE KEY") with its curve inside, as openssl writes it; optionally after
     * the "EC PARAMETERS" block that {@code openssl ecparam -genkey} puts first.
     */
    private static String sec1(KeyPair keys, boolean withParametersBlock) throws Exception {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
        var inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        var curve = info.getPrivateKeyAlgorithm().getParameters();
        var publicKey = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData();
        var complete = new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(), publicKey, curve);
        String key = pem(new PemObject("EC PRIVATE KEY", complete.getEncoded()));
        return withParametersBlock ? pem(new PemObject("EC PARAMETERS", curve.toASN1Primitive().getEncoded())) + key : key;
    }

    /** The same secret, whatever optional fields (curve, public key) each encoding carried. */
    private static void assertSameKey(PrivateKey actual, PrivateKey expected) {
        if (expected instanceof ECPrivateKey) {
            assertThat(((ECPrivateKey) actual).getS()).isEqualTo(((ECPrivateKey) expected).getS());
        } else {
            assertThat(((RSAPrivateKey) actual).getPrivateExponent()).isEqualTo(((RSAPrivateKey) expected).getPrivateExponent());
            assertThat(((RSAPrivateKey) actual).getModulus()).isEqualTo(((RSAPrivateKey) expected).getModulus());
        }
    }

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.US_ASCII);
        return file;
    }

    private static String pem(Object object) throws Exception {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }

    private static byte[] digest(String algorithm, X509Certificate certificate) throws Exception {
        return java.security.MessageDigest.getInstance(algorithm).digest(certificate.getEncoded());
    }

    private static Clock clockAt(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    private static final class MovableClock extends Clock {
        volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static X509Certificate signedWith(String algorithm, KeyPair keys) throws Exception {
        X500Name name = new X500Name("CN=binding.example.test");
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, Date.from(now),
                Date.from(now.plus(Duration.ofDays(1))), name, keys.getPublic());
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(keys.getPrivate())));
    }
}
