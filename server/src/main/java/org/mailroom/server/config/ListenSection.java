package org.mailroom.server.config;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * {@code [listen]}: where each service listens, as {@code "host:port"}, {@code ":port"} (every address)
 * or {@code "[::1]:port"}; an empty string turns the service off. Port 0 takes any free port (tests).
 * The raw strings are kept as written; the {@code *Address()} accessors give the parsed form.
 */
public record ListenSection(
        String smtp,
        String submission,
        String submissions,
        String imap,
        String imaps,
        String pop3,
        String pop3s,
        String managesieve,
        String admin,
        String autoconfig) {

    public Optional<InetSocketAddress> smtpAddress() {
        return address("listen.smtp", smtp);
    }

    public Optional<InetSocketAddress> submissionAddress() {
        return address("listen.submission", submission);
    }

    public Optional<InetSocketAddress> submissionsAddress() {
        return address("listen.submissions", submissions);
    }

    public Optional<InetSocketAddress> imapAddress() {
        return address("listen.imap", imap);
    }

    public Optional<InetSocketAddress> imapsAddress() {
        return address("listen.imaps", imaps);
    }

    public Optional<InetSocketAddress> pop3Address() {
        return address("listen.pop3", pop3);
    }

    public Optional<InetSocketAddress> pop3sAddress() {
        return address("listen.pop3s", pop3s);
    }

    /** ManageSieve (RFC 5804) with STARTTLS. */
    public Optional<InetSocketAddress> managesieveAddress() {
        return address("listen.managesieve", managesieve);
    }

    /** The admin HTTP API, /metrics and the health checks (issue 14); loopback by default. */
    public Optional<InetSocketAddress> adminAddress() {
        return address("listen.admin", admin);
    }

    /** Client autoconfiguration (Thunderbird, Autodiscover, Apple profiles); off by default. */
    public Optional<InetSocketAddress> autoconfigAddress() {
        return address("listen.autoconfig", autoconfig);
    }

    /** Parses every address, so that a bad one stops the start rather than the first bind. */
    void validate() {
        smtpAddress();
        submissionAddress();
        submissionsAddress();
        imapAddress();
        imapsAddress();
        pop3Address();
        pop3sAddress();
        managesieveAddress();
        adminAddress();
        autoconfigAddress();
    }

    /** @throws ConfigException naming {@code key} when the value is not an address */
    static Optional<InetSocketAddress> address(String key, String value) {
        if (value.isBlank()) return Optional.empty();
        try {
            return Optional.of(HostPort.parse(value, -1).toSocketAddress());
        } catch (IllegalArgumentException e) {
            throw ConfigException.badValue(key, e.getMessage());
        }
    }
}
