package org.mailroom.server;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import org.mailroom.core.auth.LoginGuard;
import org.mailroom.core.dns.DnsResolver;
import org.mailroom.mailauth.InboundAuthenticator;
import org.mailroom.protocol.imap.ImapSettings;
import org.mailroom.protocol.managesieve.ManageSieveSettings;
import org.mailroom.protocol.pop3.Pop3Settings;
import org.mailroom.protocol.smtp.SmtpSettings;
import org.mailroom.protocol.tls.CertificateSource;
import org.mailroom.protocol.tls.TlsContext;
import org.mailroom.server.config.AuthSection;
import org.mailroom.server.config.Config;
import org.mailroom.server.config.LimitsSection;
import org.mailroom.server.config.SieveSection;

/**
 * The settings of each listener, from a configuration: used at start and again by a reload. The host name, the
 * data directory and the mailbox quota always come from the configuration the server started with (restart
 * keys: greetings and Received headers of one process agree).
 */
record ListenerSettings(Config started, DnsResolver dns, Clock clock) {

    private String hostname() {
        return started.server().hostname();
    }

    /** Port 25 ({@code submission} false) or submission: the latter has no greeting delay. */
    SmtpSettings smtp(Config c, boolean submission) {
        LimitsSection limits = c.limits();
        return new SmtpSettings(hostname(), limits.messageSize(), limits.recipients(),
                limits.commandLine(), limits.textLine(), limits.commandTimeout(), limits.sessionTimeout(),
                limits.errors(), limits.errorDelay(), submission ? Duration.ZERO : limits.greetingDelay(),
                limits.connections(), limits.connectionsPerIp(), limits.hopCount(),
                c.smtp().normalizeBareLineEndings(), false);
    }

    static LoginGuard.Settings guard(Config c) {
        LimitsSection limits = c.limits();
        return new LoginGuard.Settings(limits.authDelay(), Duration.ofSeconds(30), limits.authFailures(),
                limits.authAttemptsPerMinute(), Duration.ofMinutes(1), Duration.ofMinutes(15), 100_000,
                Duration.ofMinutes(15), limits.loginTrust());
    }

    Pop3Settings pop3(Config c) {
        LimitsSection limits = c.limits();
        return new Pop3Settings(hostname(), limits.pop3IdleTimeout(),
                Pop3Settings.DEFAULT_MAX_LINE_LENGTH, limits.authFailures(), limits.connections(), false,
                c.tls().plaintextAuthFromLoopback());
    }

    ImapSettings imap(Config c) {
        LimitsSection limits = c.limits();
        // mailbox_quota stays as started: the Quota objects of delivery and IMAP are built once.
        return new ImapSettings(hostname(), limits.imapIdleTimeout(),
                ImapSettings.DEFAULT_MAX_LINE_LENGTH, limits.messageSize(), limits.connections(), false,
                c.tls().plaintextAuthFromLoopback(), started.limits().mailboxQuota());
    }

    /** ManageSieve is not reconfigured by a reload: its settings are those the server started with. */
    ManageSieveSettings manageSieve() {
        SieveSection sieve = started.sieve();
        LimitsSection limits = started.limits();
        return new ManageSieveSettings(hostname(), limits.imapIdleTimeout(),
                ManageSieveSettings.DEFAULT_MAX_LINE_LENGTH, (int) sieve.maxScriptSize(), sieve.maxScripts(),
                sieve.maxRedirects(), limits.authFailures(), limits.connections(), false,
                started.tls().plaintextAuthFromLoopback());
    }

    /** SPF, DKIM, ARC and DMARC of mail on port 25 ({@code [auth]}), or null when {@code auth.verify} is off. */
    InboundAuthenticator inboundChecks(Config c) {
        AuthSection auth = c.auth();
        if (!auth.verify()) return null;
        return new InboundAuthenticator(dns, new InboundAuthenticator.Settings(
                auth.authservIdOr(hostname()), auth.dmarcReject(), auth.spfReject(),
                auth.tempfailOnDnsError(), auth.unenforced()), clock);
    }

    /** The server's certificate: the configured PEM files, or a self-signed one kept in the data directory. */
    TlsContext tlsContext() throws IOException {
        try {
            return new TlsContext(certificateSource(started));
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("tls: " + e.getMessage(), e);
        }
    }

    /** Points {@code tls} at the certificate files {@code c} names, read now; on failure it keeps the old ones. */
    void useCertificate(TlsContext tls, Config c) throws IOException {
        try {
            tls.use(certificateSource(c));
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("tls: " + e.getMessage(), e);
        }
    }

    private CertificateSource certificateSource(Config c) {
        return CertificateSource.forConfig(c.tls().certificatePath().orElse(null),
                c.tls().privateKeyPath().orElse(null), started.server().dataDir(), hostname());
    }
}
