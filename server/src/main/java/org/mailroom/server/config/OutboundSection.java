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
 * @param lease          how long a node owns a message it is delivering; when the node dies, another node
 *                       (or this one after a restart) takes the message up once the lease has run out
 */
public record OutboundSection(
        int port,
        String relayHost,
        List<Duration> retryIntervals,
        Duration lifetime,
        Duration warnAfter,
        Duration lease) {

    public OutboundSection {
        retryIntervals = List.copyOf(retryIntervals);
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

    void validate() {
        if (port < 1 || port > 65535) throw ConfigException.badValue("outbound.port", "expected a port from 1 to 65535, got " + port);
        relay();
        if (retryIntervals.isEmpty()) throw ConfigException.badValue("outbound.retry_intervals", "needs at least one interval");
        for (Duration d : retryIntervals) {
            if (d.isZero() || d.isNegative()) throw ConfigException.badValue("outbound.retry_intervals", "intervals must be above zero");
        }
        if (lifetime.isZero()) throw ConfigException.badValue("outbound.lifetime", "must be above zero");
        if (lease.isZero()) throw ConfigException.badValue("outbound.lease", "must be above zero");
    }
}
