package org.mailroom.protocol.tls;

import io.netty.util.NetUtil;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issues and keeps the certificate the server uses until an administrator configures a real one:
 * {@code <dataDir>/tls/self-signed.crt} and {@code self-signed.key} (0600).
 *
 * <p>The certificate is reused across starts, so clients that pinned it (Thunderbird's "permanently store this
 * exception") keep working. It is valid for one year and replaced when fewer than 30 days remain, when the
 * host name changed, or when the files cannot be read; a short life limits the damage of a leaked key on a
 * server nobody watches. Names: the host name, {@code localhost} and 127.0.0.1, so local clients and tests can
 * verify it too. Key: EC P-256, which every TLS 1.2+ client accepts and which is fast to make and use.
 */
final class SelfSignedIssuer {

    static final Duration VALIDITY = Duration.ofDays(365);
    static final Duration RENEW_BEFORE = Duration.ofDays(30);
    /** Backdated so a client whose clock runs a little slow still accepts a certificate made a minute ago. */
    private static final Duration BACKDATE = Duration.ofHours(1);

    private static final Logger log = LoggerFactory.getLogger(SelfSignedIssuer.class);

    private final Path certificateFile;
    private final Path keyFile;
    private final String hostname;
    private final Clock clock;

    SelfSignedIssuer(Path dataDir, String hostname, Clock clock) {
        Path directory = dataDir.resolve("tls");
        this.certificateFile = directory.resolve("self-signed.crt");
        this.keyFile = directory.resolve("self-signed.key");
        this.hostname = hostname.toLowerCase(Locale.ROOT);
        this.clock = clock;
    }

    Path certificateFile() {
        return certificateFile;
    }

    Path keyFile() {
        return keyFile;
    }

    /** The stored certificate if it is still good, else a new one, stored before it is returned. */
    TlsCredentials loadOrIssue() throws IOException, GeneralSecurityException {
        if (Files.exists(certificateFile) && Files.exists(keyFile)) {
            String reason;
            try {
                TlsCredentials stored = new TlsCredentials(PemFiles.readPrivateKey(keyFile),
                        PemFiles.readCertificates(certificateFile));
                PemFiles.checkKeyMatches(stored.privateKey(), stored.leaf());
                reason = replacementReason(stored.leaf());
                if (reason == null) {
                    return stored;
                }
            } catch (IOException | GeneralSecurityException e) {
                // Our own file, so nothing of value is lost by making a new one (a crash between writing the
                // key and the certificate leaves exactly this).
                reason = "it could not be read (" + e.getMessage() + ")";
            }
            log.info("Replacing the self-signed certificate {}: {}", certificateFile, reason);
        }
        return issueAndStore();
    }

    /** Why the stored certificate must be replaced, or null if it can be used. */
    String replacementReason(X509Certificate certificate) throws CertificateParsingException {
        if (renewalDue(certificate, clock.instant())) {
            return "it expires on " + certificate.getNotAfter().toInstant();
        }
        if (!names(certificate).contains(hostname)) {
            return "it does not name " + hostname;
        }
        return null;
    }

    static boolean renewalDue(X509Certificate certificate, Instant now) {
        return !now.plus(RENEW_BEFORE).isBefore(certificate.getNotAfter().toInstant());
    }

    private TlsCredentials issueAndStore() throws IOException, GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        Instant now = clock.instant();
        X509Certificate certificate = issue(keys, hostname, now.minus(BACKDATE), now.plus(VALIDITY));

        Path directory = certificateFile.getParent();
        if (!Files.isDirectory(directory)) {
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createDirectories(directory,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(directory);
            }
        }
        // Key first: if we crash in between, the next start finds a mismatch and issues again.
        PemFiles.writePrivateKey(keyFile, keys.getPrivate());
        PemFiles.writeCertificate(certificateFile, certificate);
        log.info("Created a self-signed certificate for {} in {}, valid until {}", hostname, certificateFile,
                certificate.getNotAfter().toInstant());
        return new TlsCredentials(keys.getPrivate(), List.of(certificate));
    }

    /**
     * A self-signed server certificate for {@code hostname}, {@code localhost} and 127.0.0.1. Also used by
     * tests to make certificates with other keys (RSA) or dates.
     */
    static X509Certificate issue(KeyPair keys, String hostname, Instant notBefore, Instant notAfter)
            throws GeneralSecurityException {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, hostname).build();
        byte[] serial = new byte[16];
        new SecureRandom().nextBytes(serial);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(1, serial),
                Date.from(notBefore), Date.from(notAfter), subject, keys.getPublic());
        boolean rsa = keys.getPublic().getAlgorithm().equals("RSA");
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            // keyEncipherment only matters for RSA key exchange, which our cipher list excludes; harmless.
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | (rsa ? KeyUsage.keyEncipherment : 0)));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
            builder.addExtension(Extension.subjectAlternativeName, false, subjectAlternativeNames(hostname));
            String algorithm = rsa ? "SHA256withRSA" : "SHA256withECDSA";
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(keys.getPrivate())));
        } catch (CertIOException | OperatorCreationException e) {
            throw new GeneralSecurityException("could not build a self-signed certificate: " + e.getMessage(), e);
        }
    }

    private static GeneralNames subjectAlternativeNames(String hostname) {
        Set<String> names = new LinkedHashSet<>(List.of(hostname, "localhost", "127.0.0.1"));
        List<GeneralName> result = new ArrayList<>();
        for (String name : names) {
            boolean address = NetUtil.isValidIpV4Address(name) || NetUtil.isValidIpV6Address(name);
            result.add(new GeneralName(address ? GeneralName.iPAddress : GeneralName.dNSName, name));
        }
        return new GeneralNames(result.toArray(new GeneralName[0]));
    }

    /** DNS names and IP addresses of the certificate's subjectAltName, lower case. */
    static Set<String> names(X509Certificate certificate) throws CertificateParsingException {
        Set<String> names = new LinkedHashSet<>();
        Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
        if (entries != null) {
            for (List<?> entry : entries) {
                Object value = entry.get(1);
                if (value instanceof String) {
                    names.add(((String) value).toLowerCase(Locale.ROOT));
                }
            }
        }
        return names;
    }
}
