package org.mailroom.protocol.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the server's certificate comes from: the PEM files named by {@code tls.certificate} and
 * {@code tls.private_key}, or, when none are configured, a self-signed certificate kept in the data directory.
 *
 * <p>Example: {@code new TlsContext(CertificateSource.forConfig(cert, key, dataDir, hostname))} where
 * {@code cert} and {@code key} are both null or both set.
 */
public final class CertificateSource {

    private enum Kind { FILES, SELF_SIGNED }

    private static final Logger log = LoggerFactory.getLogger(CertificateSource.class);

    private final Kind kind;
    private final Path certificateFile;
    private final Path keyFile;
    private final SelfSignedIssuer issuer; // only for SELF_SIGNED
    private final Clock clock;

    private CertificateSource(Kind kind, Path certificateFile, Path keyFile, SelfSignedIssuer issuer, Clock clock) {
        this.kind = kind;
        this.certificateFile = certificateFile;
        this.keyFile = keyFile;
        this.issuer = issuer;
        this.clock = clock;
    }

    /** A certificate chain (leaf first) and its private key, as PEM files; they may be one and the same file. */
    public static CertificateSource files(Path certificateChain, Path privateKey) {
        return new CertificateSource(Kind.FILES, Objects.requireNonNull(certificateChain),
                Objects.requireNonNull(privateKey), null, Clock.systemUTC());
    }

    /** A self-signed certificate for {@code hostname}, made on first use and kept under {@code dataDir/tls/}. */
    public static CertificateSource selfSigned(Path dataDir, String hostname) {
        return selfSigned(dataDir, hostname, Clock.systemUTC());
    }

    static CertificateSource selfSigned(Path dataDir, String hostname, Clock clock) {
        SelfSignedIssuer issuer = new SelfSignedIssuer(dataDir, hostname, clock);
        return new CertificateSource(Kind.SELF_SIGNED, issuer.certificateFile(), issuer.keyFile(), issuer, clock);
    }

    /**
     * The source the configuration asks for: the files when both are given, else self-signed.
     *
     * @throws IllegalArgumentException if only one of the two files is given (message names the missing key)
     */
    public static CertificateSource forConfig(Path certificateChain, Path privateKey, Path dataDir, String hostname) {
        if (certificateChain == null && privateKey == null) {
            return selfSigned(dataDir, hostname);
        }
        if (certificateChain == null) {
            throw new IllegalArgumentException("tls.private_key is set but tls.certificate is not");
        }
        if (privateKey == null) {
            throw new IllegalArgumentException("tls.certificate is set but tls.private_key is not");
        }
        return files(certificateChain, privateKey);
    }

    /** Reads (or, self-signed, makes) the key and chain. Blocking file I/O. */
    public TlsCredentials load() throws IOException, GeneralSecurityException {
        if (kind == Kind.SELF_SIGNED) {
            return issuer.loadOrIssue();
        }
        List<X509Certificate> chain = PemFiles.readCertificates(certificateFile);
        TlsCredentials credentials = new TlsCredentials(PemFiles.readPrivateKey(keyFile), chain);
        PemFiles.checkKeyMatches(credentials.privateKey(), credentials.leaf());
        Instant notAfter = credentials.leaf().getNotAfter().toInstant();
        if (SelfSignedIssuer.renewalDue(credentials.leaf(), clock.instant())) {
            // Renewing someone else's certificate is not our job (certbot's, or ACME later), but say it loudly.
            log.warn("The certificate in {} expires on {}: renew it", certificateFile, notAfter);
        }
        return credentials;
    }

    /** For log lines: which files. */
    @Override
    public String toString() {
        return kind == Kind.SELF_SIGNED
                ? "self-signed certificate " + certificateFile
                : "certificate " + certificateFile + " with key " + keyFile;
    }

    /**
     * What the files look like now; {@link TlsContext} reloads when this changes. Inode, size and mtime
     * together catch both an in-place rewrite and certbot's swap of a symlink.
     */
    Stamp stamp() {
        return new Stamp(fileStamp(certificateFile), fileStamp(keyFile));
    }

    boolean isSelfSigned() {
        return kind == Kind.SELF_SIGNED;
    }

    /** True if the certificate in use should be replaced by a new self-signed one (never for configured files). */
    boolean renewalDue(TlsCredentials inUse) {
        return kind == Kind.SELF_SIGNED && SelfSignedIssuer.renewalDue(inUse.leaf(), clock.instant());
    }

    private static String fileStamp(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            FileTime modified = attributes.lastModifiedTime();
            return attributes.fileKey() + "/" + attributes.size() + "/" + modified;
        } catch (NoSuchFileException e) {
            return "missing";
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    /** A snapshot of both files' identity, size and modification time. */
    record Stamp(String certificate, String key) {
    }
}
