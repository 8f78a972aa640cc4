package org.mailroom.protocol.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads and writes the PEM files administrators and ACME clients produce. Keys may be PKCS#8
 * ({@code BEGIN PRIVATE KEY}), PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) or SEC1 EC ({@code BEGIN EC PRIVATE
 * KEY}, possibly after an {@code EC PARAMETERS} block as {@code openssl ecparam -genkey} writes it). A key and
 * its certificates may share one file: each reader skips the blocks it does not want.
 *
 * <p>No BouncyCastle provider is registered: BC only parses, the JDK's own providers make the key objects, so
 * the keys work with the JDK's TLS engine.
 */
final class PemFiles {

    private PemFiles() {
    }

    /** All certificates of a PEM file, in file order (leaf first, by convention of every CA and ACME client). */
    static List<X509Certificate> readCertificates(Path file) throws IOException, CertificateException {
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        List<X509Certificate> certificates = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            for (Object block = parser.readObject(); block != null; block = parser.readObject()) {
                if (block instanceof X509CertificateHolder) {
                    certificates.add(converter.getCertificate((X509CertificateHolder) block));
                }
            }
        }
        if (certificates.isEmpty()) {
            throw new CertificateException(file + ": no CERTIFICATE block");
        }
        return certificates;
    }

    /** The first private key of a PEM file. Encrypted keys are refused: the server has nobody to ask for a pass phrase. */
    static PrivateKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            for (Object block = parser.readObject(); block != null; block = parser.readObject()) {
                if (block instanceof PEMKeyPair) { // PKCS#1 RSA or SEC1 EC
                    return converter.getPrivateKey(((PEMKeyPair) block).getPrivateKeyInfo());
                }
                if (block instanceof PrivateKeyInfo) { // PKCS#8
                    return converter.getPrivateKey((PrivateKeyInfo) block);
                }
                if (block instanceof PEMEncryptedKeyPair || block instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new GeneralSecurityException(file + ": the private key is encrypted; store it without"
                            + " a pass phrase (openssl pkey -in KEY -out PLAIN) and protect the file instead");
                }
            }
        }
        throw new GeneralSecurityException(file + ": no PRIVATE KEY block");
    }

    /**
     * Fails unless {@code key} belongs to {@code certificate}. A mismatch would otherwise surface only as
     * handshake failures on every connection, far from its cause.
     */
    static void checkKeyMatches(PrivateKey key, X509Certificate certificate) throws GeneralSecurityException {
        String algorithm = signatureAlgorithmFor(key);
        if (algorithm == null) {
            return; // an algorithm we do not issue; the JDK will judge it at handshake time
        }
        PublicKey publicKey = certificate.getPublicKey();
        byte[] probe = "mailroom key check".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(publicKey);
        verifier.update(probe);
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm()) || !verifier.verify(signature)) {
            throw new GeneralSecurityException("the private key does not belong to the certificate "
                    + certificate.getSubjectX500Principal());
        }
    }

    static String signatureAlgorithmFor(PrivateKey key) {
        switch (key.getAlgorithm()) {
            case "RSA":
                return "SHA256withRSA";
            case "EC":
                return "SHA256withECDSA";
            default:
                return null;
        }
    }

    /** Writes a certificate as PEM, replacing the file atomically. */
    static void writeCertificate(Path file, X509Certificate certificate) throws IOException {
        writeAtomically(file, toPem(certificate), false);
    }

    /** Writes a private key as PKCS#8 PEM, readable by the owner only (0600), replacing the file atomically. */
    static void writePrivateKey(Path file, PrivateKey key) throws IOException {
        writeAtomically(file, toPem(new JcaPKCS8Generator(key, null)), true);
    }

    private static String toPem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }

    // The temporary file gets its final permissions when it is created, so the key is never readable by
    // others, not even for a moment; the rename then makes the swap atomic for a concurrent reader.
    private static void writeAtomically(Path file, String text, boolean ownerOnly) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        if (ownerOnly && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(temporary);
        }
        try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.US_ASCII)) {
            writer.write(text);
        }
        try {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
