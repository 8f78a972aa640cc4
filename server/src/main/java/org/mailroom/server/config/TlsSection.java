package org.mailroom.server.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code [tls]}: the certificate chain and private key, both PEM files. When both are empty the server
 * makes a self-signed certificate on first start and keeps it in the data directory.
 *
 * @param plaintextAuthFromLoopback IMAP LOGIN and POP3 USER/PASS (and SASL PLAIN) without TLS from 127.0.0.0/8
 *                                  and ::1, where nothing crosses a network; elsewhere only under TLS
 */
public record TlsSection(String certificate, String privateKey, boolean plaintextAuthFromLoopback) {

    /** True when no certificate is configured, so a self-signed one is used. */
    public boolean selfSigned() {
        return certificate.isBlank();
    }

    public Optional<Path> certificatePath() {
        return certificate.isBlank() ? Optional.empty() : Optional.of(Path.of(certificate));
    }

    public Optional<Path> privateKeyPath() {
        return privateKey.isBlank() ? Optional.empty() : Optional.of(Path.of(privateKey));
    }

    void validate() {
        // One without the other is a mistake we can name now rather than at the first STARTTLS.
        if (!certificate.isBlank() && privateKey.isBlank()) {
            throw ConfigException.badValue("tls.private_key", "needed with tls.certificate");
        }
        if (certificate.isBlank() && !privateKey.isBlank()) {
            throw ConfigException.badValue("tls.certificate", "needed with tls.private_key");
        }
    }
}
