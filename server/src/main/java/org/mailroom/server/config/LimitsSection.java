package org.mailroom.server.config;

import java.time.Duration;
import java.util.List;
import org.mailroom.core.auth.TrustedNetworks;
import tools.jackson.databind.annotation.JsonDeserialize;

/**
 * {@code [limits]}: what one client may ask of the server. Sizes are in bytes, durations as in
 * {@link Durations}.
 *
 * @param messageSize      largest message accepted, advertised in EHLO SIZE (RFC 1870)
 * @param recipients       RCPT TO per transaction; RFC 5321 section 4.5.3.1.8 asks for at least 100
 * @param commandLine      longest SMTP command line, CRLF included (RFC 5321 section 4.5.3.1.4: 512)
 * @param textLine         longest line of message text, CRLF included (RFC 5321 section 4.5.3.1.6: 1000)
 * @param connections      simultaneous connections, all services together
 * @param connectionsPerIp simultaneous connections from one client address
 * @param commandTimeout   how long the server waits for the next SMTP command (RFC 5321 section
 *                         4.5.3.2.7 suggests 5 minutes)
 * @param sessionTimeout   longest SMTP session, whatever the client does
 * @param errors           protocol errors in one session before it is closed with 421
 * @param authFailures     failed AUTH/LOGIN attempts in one session before it is closed
 * @param pop3IdleTimeout  POP3 inactivity timeout (RFC 1939 section 3: at least 10 minutes)
 * @param imapIdleTimeout  IMAP inactivity timeout (RFC 9051 section 5.4: at least 30 minutes)
 * @param hopCount         Received headers beyond which a message is taken to loop (RFC 5321 section 6.3)
 * @param errorDelay       after half of {@code errors}, each SMTP error reply waits this long
 * @param authDelay        the wait before answering a failed login, doubling with each further failure (to 30 s)
 * @param authAttemptsPerMinute failed logins per minute from one client network, all protocols together; the one
 *                         that reaches it blocks the network for a minute, longer if it keeps failing
 * @param greetingDelay    wait before the SMTP greeting; clients that talk first are refused (0 = no wait,
 *                         the check still catches clients that do not wait for the greeting)
 * @param mailboxQuota     bytes all of one account's messages may take (IMAP QUOTA, RFC 9208; enforced by
 *                         APPEND, COPY and local delivery); 0 = no limit
 * @param trustedNetworks  client networks (CIDR) exempt from {@code authAttemptsPerMinute}, not from the
 *                         per-connection delays and cut-off
 */
public record LimitsSection(
        @JsonDeserialize(using = ConfigReader.SizeDeserializer.class) long messageSize,
        int recipients,
        int commandLine,
        int textLine,
        int connections,
        int connectionsPerIp,
        Duration commandTimeout,
        Duration sessionTimeout,
        int errors,
        int authFailures,
        Duration pop3IdleTimeout,
        Duration imapIdleTimeout,
        int hopCount,
        Duration errorDelay,
        Duration greetingDelay,
        Duration authDelay,
        int authAttemptsPerMinute,
        @JsonDeserialize(using = ConfigReader.SizeDeserializer.class) long mailboxQuota,
        List<String> trustedNetworks) {

    void validate() {
        positive("limits.message_size", messageSize);
        positive("limits.recipients", recipients);
        positive("limits.command_line", commandLine);
        positive("limits.text_line", textLine);
        positive("limits.connections", connections);
        positive("limits.connections_per_ip", connectionsPerIp);
        positive("limits.errors", errors);
        positive("limits.auth_failures", authFailures);
        positive("limits.hop_count", hopCount);
        positive("limits.command_timeout", commandTimeout);
        positive("limits.session_timeout", sessionTimeout);
        positive("limits.pop3_idle_timeout", pop3IdleTimeout);
        positive("limits.imap_idle_timeout", imapIdleTimeout);
        if (errorDelay.isNegative()) throw ConfigException.badValue("limits.error_delay", "must not be negative");
        if (authDelay.isNegative() || authDelay.compareTo(Duration.ofSeconds(30)) > 0) {
            throw ConfigException.badValue("limits.auth_delay", "must be between 0 and 30s");
        }
        positive("limits.auth_attempts_per_minute", authAttemptsPerMinute);
        if (mailboxQuota < 0) throw ConfigException.badValue("limits.mailbox_quota", "must not be negative (0 = none)");
        if (greetingDelay.isNegative()) throw ConfigException.badValue("limits.greeting_delay", "must not be negative");
        loginTrust();
    }

    /** {@code trusted_networks} parsed. */
    public TrustedNetworks loginTrust() {
        try {
            return TrustedNetworks.parse(trustedNetworks);
        } catch (IllegalArgumentException e) {
            throw ConfigException.badValue("limits.trusted_networks", e.getMessage());
        }
    }

    /** Values that work but break an RFC's minimum; the server starts and logs these. */
    void addWarnings(List<String> warnings) {
        if (recipients < 100) {
            warnings.add("limits.recipients is " + recipients
                    + ": RFC 5321 section 4.5.3.1.8 asks servers to accept at least 100 recipients");
        }
        if (commandLine < 512) {
            warnings.add("limits.command_line is " + commandLine
                    + ": RFC 5321 section 4.5.3.1.4 allows command lines of 512 octets");
        }
        if (textLine < 1000) {
            warnings.add("limits.text_line is " + textLine
                    + ": RFC 5321 section 4.5.3.1.6 allows text lines of 1000 octets");
        }
    }

    private static void positive(String key, long value) {
        if (value <= 0) throw ConfigException.badValue(key, "must be above zero, got " + value);
    }

    private static void positive(String key, Duration value) {
        if (value.isZero() || value.isNegative()) throw ConfigException.badValue(key, "must be above zero");
    }
}
