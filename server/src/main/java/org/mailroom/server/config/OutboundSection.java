package org.mailroom.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code [outbound]}: delivery to other servers.
 *
 * @param port           the port of remote MXs (25; tests point it elsewhere)
 * @param relayHost      a smart host {@code "host[:port]"} that takes all remote mail instead of MX
 *                       look-ups; empty for none
 * @param retryIntervals waits between delivery attempts; the last one repeats
 * @param lifetime       how long a message may wait before it bounces (RFC 5321 section 4.5.4.1 suggests
 *                       at least 4-5 days)
 * @param warnAfter      when to send a "delayed" DSN to the sender; zero for never
 * @param maxConnections messages being delivered at once, in total
 * @param maxConnectionsPerDestination connections at once to one destination domain
 * @param pollInterval   how often the queue is read when nothing wakes the runner
 * @param lease          how long a message being delivered is kept from other workers; after a crash its
 *                       message waits this long before it is tried again
 * @param tls            "opportunistic", "required" or "verify" (see {@link #tlsPolicy()})
 * @param relayUser      user name for AUTH at the relay host; empty for none
 * @param relayPasswordFile a file holding that user's password (first line), kept out of the configuration
 *                       file so the configuration can be shared and read by others
 * @param mtaSts         honour the MTA-STS policies of destination domains (RFC 8461)
 * @param mtaStsPort     the HTTPS port policies are fetched from (443; tests use another)
 * @param tlsTrust       a PEM file of extra CA certificates trusted, with the JDK's, for MTA-STS; empty for none
 * @param tlsReports     count TLS sessions and send daily TLS reports (RFC 8460) to domains that ask
 * @param tlsReportOrg   {@code organization-name} in those reports; empty for the host name
 */
public record OutboundSection(
        int port,
        String relayHost,
        List<Duration> retryIntervals,
        Duration lifetime,
        Duration warnAfter,
        int maxConnections,
        int maxConnectionsPerDestination,
        Duration pollInterval,
        Duration lease,
        String tls,
        String relayUser,
        String relayPasswordFile,
        boolean mtaSts,
        int mtaStsPort,
        String tlsTrust,
        boolean tlsReports,
        String tlsReportOrg) {

    /** How much TLS outbound mail insists on. */
    public enum TlsPolicy {
        /** STARTTLS when offered, any certificate; plain text otherwise (RFC 7435). */
        OPPORTUNISTIC,
        /** STARTTLS or no delivery; any certificate. */
        REQUIRED,
        /** STARTTLS or no delivery, and the certificate must be valid for the MX host's name. */
        VERIFY
    }

    public OutboundSection {
        retryIntervals = List.copyOf(retryIntervals);
    }

    /**
     * The relay host's user and password, if AUTH is configured: read from {@code relay_password_file} now, so a
     * missing or empty file stops the start with a message naming the key.
     */
    public Optional<String[]> relayLogin() {
        if (relayUser.isBlank()) return Optional.empty();
        if (relayHost.isBlank()) throw ConfigException.badValue("outbound.relay_user", "needs outbound.relay_host");
        if (relayPasswordFile.isBlank()) {
            throw ConfigException.badValue("outbound.relay_password_file", "needed with outbound.relay_user");
        }
        try {
            String password = java.nio.file.Files.readAllLines(java.nio.file.Path.of(relayPasswordFile)).stream()
                    .findFirst().orElse("");
            if (password.isEmpty()) throw ConfigException.badValue("outbound.relay_password_file", "the file is empty");
            return Optional.of(new String[] {relayUser, password});
        } catch (java.io.IOException e) {
            throw ConfigException.badValue("outbound.relay_password_file", "cannot read " + relayPasswordFile + ": " + e);
        }
    }

    /** The smart host, if one is set; its port defaults to 25. */
    public Optional<HostPort> relay() {
        if (relayHost.isBlank()) return Optional.empty();
        try {
            HostPort hp = HostPort.parse(relayHost, 25);
            if (hp.host().isEmpty()) throw new IllegalArgumentException("a relay needs a host, got \"" + relayHost + "\"");
            return Optional.of(hp);
        } catch (IllegalArgumentException e) {
            throw ConfigException.badValue("outbound.relay_host", e.getMessage());
        }
    }

    /**
     * The wait after the given failed attempt (1 for the first), the last interval repeating:
     * with {@code [5m, 10m]}, attempts 1, 2, 3 wait 5m, 10m, 10m.
     */
    public Duration retryInterval(int failedAttempts) {
        int index = Math.min(Math.max(failedAttempts, 1), retryIntervals.size()) - 1;
        return retryIntervals.get(index);
    }

    public TlsPolicy tlsPolicy() {
        switch (tls) {
            case "opportunistic": return TlsPolicy.OPPORTUNISTIC;
            case "required": return TlsPolicy.REQUIRED;
            case "verify": return TlsPolicy.VERIFY;
            default: throw ConfigException.badValue("outbound.tls",
                    "expected \"opportunistic\", \"required\" or \"verify\", got \"" + tls + "\"");
        }
    }

    void validate() {
        if (port < 1 || port > 65535) throw ConfigException.badValue("outbound.port", "expected a port from 1 to 65535, got " + port);
        relay();
        if (retryIntervals.isEmpty()) throw ConfigException.badValue("outbound.retry_intervals", "needs at least one interval");
        for (Duration d : retryIntervals) {
            if (d.isZero() || d.isNegative()) throw ConfigException.badValue("outbound.retry_intervals", "intervals must be above zero");
        }
        if (lifetime.isZero()) throw ConfigException.badValue("outbound.lifetime", "must be above zero");
        if (maxConnections < 1) throw ConfigException.badValue("outbound.max_connections", "must be at least 1, got " + maxConnections);
        if (maxConnectionsPerDestination < 1) {
            throw ConfigException.badValue("outbound.max_connections_per_destination", "must be at least 1, got "
                    + maxConnectionsPerDestination);
        }
        if (pollInterval.isZero() || pollInterval.isNegative()) throw ConfigException.badValue("outbound.poll_interval", "must be above zero");
        if (lease.isZero() || lease.isNegative()) throw ConfigException.badValue("outbound.lease", "must be above zero");
        tlsPolicy();
        if (mtaStsPort < 1 || mtaStsPort > 65535) {
            throw ConfigException.badValue("outbound.mta_sts_port", "expected a port from 1 to 65535, got " + mtaStsPort);
        }
        if (!tlsTrust.isBlank() && !java.nio.file.Files.isReadable(java.nio.file.Path.of(tlsTrust))) {
            throw ConfigException.badValue("outbound.tls_trust", "cannot read " + tlsTrust);
        }
    }
}
