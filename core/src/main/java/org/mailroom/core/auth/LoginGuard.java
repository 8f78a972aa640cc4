package org.mailroom.core.auth;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Brute-force protection shared by SMTP, IMAP and POP3. Per connection, then per client network:
 * <ul>
 *   <li>a delay before the reply to each failed login, growing with the failures of the connection and of its
 *       client network: {@code baseDelay * 2^(n-1)}, capped at {@code maxDelay}. The guard only computes it; the
 *       protocol schedules its reply (never sleeps on a thread);</li>
 *   <li>after {@code maxFailuresPerConnection} failures the protocol closes the connection;</li>
 *   <li>at most {@code attemptsPerWindow} login attempts per client network per {@code window}; beyond that
 *       attempts are refused before any password is checked (SMTP {@code 454 4.7.0});</li>
 *   <li>no lockout of an account: an attacker could use it against the owner. Slowing the source is enough.</li>
 * </ul>
 * A client network is an IPv4 address or an IPv6 /64 (one host commonly has a whole /64 to rotate through).
 * Unknown users cost the same argon2id work as wrong passwords ({@link PasswordHash#dummyVerify}, in the
 * directory), so nothing here depends on whether the user exists.
 *
 * <p>Example, for each connection: {@code LoginGuard.Connection g = guard.connection(peer);} before a check
 * {@code if (!g.mayAttempt()) reply 454}; after a failure {@code Duration d = g.failed();} schedule the reply in
 * {@code d}, and close after it if {@code g.exhausted()}.
 *
 * <p>Memory stays bounded: at most {@code maxTrackedClients} networks are remembered; when full, entries idle for
 * the failure memory are dropped, and if that is not enough, all are (forgetting is safer than growing).
 */
public final class LoginGuard {

    /**
     * @param baseDelay                delay after a first failure (default 2 s); zero turns delays off (tests)
     * @param maxDelay                 longest delay
     * @param maxFailuresPerConnection failures after which the connection is closed ({@code limits.auth_failures})
     * @param attemptsPerWindow        login attempts allowed per client network per window
     * @param window                   the rate window
     * @param failureMemory            how long a network's failures count towards its delays
     * @param maxTrackedClients        networks remembered at most
     */
    public record Settings(Duration baseDelay, Duration maxDelay, int maxFailuresPerConnection, int attemptsPerWindow,
                           Duration window, Duration failureMemory, int maxTrackedClients) {
        public Settings {
            Objects.requireNonNull(baseDelay, "baseDelay");
            Objects.requireNonNull(maxDelay, "maxDelay");
            Objects.requireNonNull(window, "window");
            Objects.requireNonNull(failureMemory, "failureMemory");
            if (baseDelay.isNegative() || maxDelay.compareTo(baseDelay) < 0) {
                throw new IllegalArgumentException("need 0 <= baseDelay <= maxDelay");
            }
            if (maxFailuresPerConnection < 1 || attemptsPerWindow < 1 || maxTrackedClients < 1) {
                throw new IllegalArgumentException("limits must be at least 1");
            }
            if (window.isZero() || window.isNegative() || failureMemory.isNegative()) {
                throw new IllegalArgumentException("window must be positive, failure memory not negative");
            }
        }

        /** 2 s growing to 30 s, close after {@code maxFailuresPerConnection}, 30 attempts a minute per network. */
        public static Settings defaults(int maxFailuresPerConnection) {
            return new Settings(Duration.ofSeconds(2), Duration.ofSeconds(30), maxFailuresPerConnection, 30,
                    Duration.ofMinutes(1), Duration.ofMinutes(15), 100_000);
        }
    }

    /** One client network's recent history. Guarded by its own monitor. */
    private static final class Client {
        long windowStart;
        int attempts;
        long lastFailure;
        int failures;
    }

    private final Settings settings;
    private final Clock clock;
    private final Map<String, Client> clients = new ConcurrentHashMap<>();

    public LoginGuard(Settings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Settings settings() {
        return settings;
    }

    /** The guard of one connection from {@code peer} (null when unknown, e.g. in tests: one shared bucket). */
    public Connection connection(InetAddress peer) {
        return new Connection(networkOf(peer));
    }

    /** The per-connection side. Used by one session at a time. */
    public final class Connection {
        private final String network;
        private int failures;

        private Connection(String network) {
            this.network = network;
        }

        /**
         * Counts one attempt against the client network's rate; false when over it (then refuse without checking
         * anything: SMTP {@code 454 4.7.0}, POP3 {@code -ERR [SYS/TEMP]}, IMAP {@code NO [UNAVAILABLE]}).
         */
        public boolean mayAttempt() {
            long now = clock.millis();
            Client client = client();
            synchronized (client) {
                if (now - client.windowStart >= settings.window().toMillis()) {
                    client.windowStart = now;
                    client.attempts = 0;
                }
                if (client.attempts >= settings.attemptsPerWindow()) return false;
                client.attempts++;
                return true;
            }
        }

        /** Records a failed login; returns how long to wait before replying. */
        public Duration failed() {
            failures++;
            long now = clock.millis();
            Client client = client();
            int networkFailures;
            synchronized (client) {
                if (now - client.lastFailure > settings.failureMemory().toMillis()) client.failures = 0;
                client.failures++;
                client.lastFailure = now;
                networkFailures = client.failures;
            }
            return delayFor(Math.max(failures, networkFailures));
        }

        /** Records a success. The network's failures still count (a success is easy for an attacker to mix in). */
        public void succeeded() {
            failures = 0;
        }

        /** True once this connection has failed {@code maxFailuresPerConnection} times: close it after the reply. */
        public boolean exhausted() {
            return failures >= settings.maxFailuresPerConnection();
        }

        public int failures() {
            return failures;
        }

        private Client client() {
            Client client = clients.get(network);
            if (client != null) return client;
            if (clients.size() >= settings.maxTrackedClients()) prune();
            return clients.computeIfAbsent(network, n -> new Client());
        }
    }

    /** {@code base * 2^(n-1)}, capped. */
    Duration delayFor(int failures) {
        if (settings.baseDelay().isZero() || failures < 1) return Duration.ZERO;
        Duration delay = settings.baseDelay();
        for (int i = 1; i < failures && delay.compareTo(settings.maxDelay()) < 0; i++) delay = delay.multipliedBy(2);
        return delay.compareTo(settings.maxDelay()) > 0 ? settings.maxDelay() : delay;
    }

    private void prune() {
        long now = clock.millis();
        long keep = Math.max(settings.failureMemory().toMillis(), settings.window().toMillis());
        for (Iterator<Client> it = clients.values().iterator(); it.hasNext(); ) {
            Client c = it.next();
            synchronized (c) {
                if (now - Math.max(c.windowStart, c.lastFailure) > keep) it.remove();
            }
        }
        if (clients.size() >= settings.maxTrackedClients()) clients.clear();
    }

    /** IPv4 address, or the /64 of an IPv6 address. */
    static String networkOf(InetAddress peer) {
        if (peer == null) return "unknown";
        byte[] bytes = peer.getAddress();
        if (peer instanceof Inet6Address) return "v6:" + Arrays.toString(Arrays.copyOf(bytes, 8));
        return peer.getHostAddress();
    }
}
