package org.mailroom.core.auth;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brute-force protection shared by SMTP, IMAP and POP3. Only failures count (a wrong password and an unknown user
 * alike); a successful login costs its client nothing, so a webmail that logs in on every page, an office behind
 * one NAT address or a monitor polling every second are never refused for logging in often.
 * <ul>
 *   <li>Per connection: a delay before the reply to each failed login, {@code baseDelay * 2^(n-1)} capped at
 *       {@code maxDelay}; the guard only computes it, the protocol schedules its reply (never sleeps on a
 *       thread). After {@code maxFailuresPerConnection} failures the protocol closes the connection. This holds
 *       for every client, trusted or not.</li>
 *   <li>Per client network, except {@code trusted} ones: at most {@code failuresPerWindow} failures per
 *       {@code window}. The failure that reaches it blocks the network: its attempts are refused before any
 *       password is checked (SMTP {@code 454 4.7.0}) for one window, then for twice as long each time it
 *       reaches the limit again, up to {@code maxBlock}. A network forgets its failures and blocks after
 *       {@code failureMemory} without a failure (counted from the end of its last block): it is forgiven.</li>
 *   <li>A network's own failures also lengthen its delays once they pass half of {@code failuresPerWindow}
 *       in one window, so a guesser cannot reset its delay by opening new connections, while a few typos in an
 *       office cost no more than one typo.</li>
 *   <li>No lockout of an account: an attacker could use it against the owner. Slowing the source is enough.</li>
 * </ul>
 * A client network is an IPv4 address or an IPv6 /64 (one host commonly has a whole /64 to rotate through).
 * Unknown users cost the same argon2id work as wrong passwords ({@link PasswordHash#dummyVerify}, in the
 * directory), so nothing here depends on whether the user exists. Attempts already past {@link
 * Connection#mayAttempt} when the block starts still finish: at most one per open connection more.
 *
 * <p>Example, for each connection: {@code LoginGuard.Connection g = guard.connection(peer);} before a check
 * {@code if (!g.mayAttempt()) reply 454}; after a failure {@code Duration d = g.failed();} schedule the reply in
 * {@code d}, and close after it if {@code g.exhausted()}.
 *
 * <p>Memory stays bounded: only networks that failed are remembered, at most {@code maxTrackedClients}; when full,
 * entries idle past their memory are dropped, and if that is not enough, all are (forgetting is safer than
 * growing).
 */
public final class LoginGuard {

    private static final Logger LOG = LoggerFactory.getLogger(LoginGuard.class);

    /**
     * @param baseDelay                delay after a first failure (default 2 s); zero turns delays off (tests)
     * @param maxDelay                 longest delay
     * @param maxFailuresPerConnection failures after which the connection is closed ({@code limits.auth_failures})
     * @param failuresPerWindow        failed logins allowed per untrusted client network per window
     *                                 ({@code limits.auth_attempts_per_minute})
     * @param window                   the rate window, and the first block
     * @param failureMemory            how long a network's failures and blocks are remembered
     * @param maxTrackedClients        networks remembered at most
     * @param maxBlock                 longest block of a network that keeps failing
     * @param trusted                  networks exempt from the per-network rate ({@code limits.trusted_networks})
     */
    public record Settings(Duration baseDelay, Duration maxDelay, int maxFailuresPerConnection, int failuresPerWindow,
                           Duration window, Duration failureMemory, int maxTrackedClients, Duration maxBlock,
                           TrustedNetworks trusted) {
        public Settings {
            Objects.requireNonNull(baseDelay, "baseDelay");
            Objects.requireNonNull(maxDelay, "maxDelay");
            Objects.requireNonNull(window, "window");
            Objects.requireNonNull(failureMemory, "failureMemory");
            Objects.requireNonNull(maxBlock, "maxBlock");
            Objects.requireNonNull(trusted, "trusted");
            if (baseDelay.isNegative() || maxDelay.compareTo(baseDelay) < 0) {
                throw new IllegalArgumentException("need 0 <= baseDelay <= maxDelay");
            }
            if (maxFailuresPerConnection < 1 || failuresPerWindow < 1 || maxTrackedClients < 1) {
                throw new IllegalArgumentException("limits must be at least 1");
            }
            if (window.isZero() || window.isNegative() || failureMemory.isNegative() || maxBlock.compareTo(window) < 0) {
                throw new IllegalArgumentException("window must be positive, failure memory not negative, "
                        + "longest block at least one window");
            }
        }

        /** No trusted networks, blocks up to the failure memory (the form before trusted networks existed). */
        public Settings(Duration baseDelay, Duration maxDelay, int maxFailuresPerConnection, int failuresPerWindow,
                        Duration window, Duration failureMemory, int maxTrackedClients) {
            this(baseDelay, maxDelay, maxFailuresPerConnection, failuresPerWindow, window, failureMemory,
                    maxTrackedClients, failureMemory.compareTo(window) < 0 ? window : failureMemory,
                    TrustedNetworks.none());
        }

        /**
         * 2 s growing to 30 s, close after {@code maxFailuresPerConnection}, 30 failures a minute per network, blocks
         * of 1, 2, 4, 8 then 15 minutes, forgiven after 15 quiet minutes, loopback trusted.
         */
        public static Settings defaults(int maxFailuresPerConnection) {
            return new Settings(Duration.ofSeconds(2), Duration.ofSeconds(30), maxFailuresPerConnection, 30,
                    Duration.ofMinutes(1), Duration.ofMinutes(15), 100_000, Duration.ofMinutes(15),
                    TrustedNetworks.loopback());
        }

        /** The same limits with these trusted networks. */
        public Settings withTrusted(TrustedNetworks networks) {
            return new Settings(baseDelay, maxDelay, maxFailuresPerConnection, failuresPerWindow, window,
                    failureMemory, maxTrackedClients, maxBlock, networks);
        }
    }

    /** One untrusted client network's recent failures. Guarded by its own monitor. */
    private static final class Client {
        long windowStart;
        int windowFailures;
        long lastFailure;
        long blockedUntil;
        int blocks;          // blocks since last forgiven: the next one lasts window * 2^blocks
    }

    /** Replaced by a configuration reload (SIGHUP); the failures counted so far are kept. */
    private volatile Settings settings;
    private final Clock clock;
    private final Map<String, Client> clients = new ConcurrentHashMap<>();

    public LoginGuard(Settings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Settings settings() {
        return settings;
    }

    /**
     * New limits from now on (a configuration reload). The failures already counted stay: a guesser does not get a
     * fresh start from an operator's edit. Connections already open keep the trust they were given.
     */
    public void reconfigure(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** The guard of one connection from {@code peer} (null when unknown, e.g. in tests: one shared bucket). */
    public Connection connection(InetAddress peer) {
        return new Connection(networkOf(peer), settings.trusted().contains(peer));
    }

    /** True while the network of {@code peer} is blocked (for logs and tests). */
    public boolean blocked(InetAddress peer) {
        Client client = clients.get(networkOf(peer));
        if (client == null || settings.trusted().contains(peer)) return false;
        synchronized (client) {
            return clock.millis() < client.blockedUntil;
        }
    }

    /** The per-connection side. Used by one session at a time. */
    public final class Connection {
        private final String network;
        private final boolean trusted;
        private int failures;

        private Connection(String network, boolean trusted) {
            this.network = network;
            this.trusted = trusted;
        }

        /**
         * False while the client network is blocked (then refuse without checking anything: SMTP {@code 454 4.7.0},
         * POP3 {@code -ERR [SYS/TEMP]}, IMAP {@code NO [UNAVAILABLE]}). Counts nothing: only failures do.
         */
        public boolean mayAttempt() {
            if (trusted) return true;
            Client client = clients.get(network);
            if (client == null) return true;
            synchronized (client) {
                return clock.millis() >= client.blockedUntil;
            }
        }

        /** Records a failed login (wrong password or unknown user); returns how long to wait before replying. */
        public Duration failed() {
            failures++;
            if (trusted) return delayFor(failures);
            long now = clock.millis();
            Client client = client();
            int networkFailures;
            synchronized (client) {
                networkFailures = recordFailure(network, client, now);
            }
            return delayFor(Math.max(failures, networkFailures - settings.failuresPerWindow() / 2));
        }

        /** Records a success: the connection starts afresh. The network's failures still count (a success is
         * easy for an attacker to mix in). */
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

    /** Counts one failure of a network at {@code now}; returns its failures in this window. Caller holds it. */
    private int recordFailure(String network, Client client, long now) {
        long memory = settings.failureMemory().toMillis();
        if (now - Math.max(client.lastFailure, client.blockedUntil) > memory) {
            client.blocks = 0; // forgiven
        }
        client.lastFailure = now;
        long window = settings.window().toMillis();
        if (now - client.windowStart >= window) {
            client.windowStart = now;
            client.windowFailures = 0;
        }
        int inWindow = ++client.windowFailures;
        if (inWindow >= settings.failuresPerWindow()) {
            long block = Math.min(settings.maxBlock().toMillis(), window << Math.min(client.blocks, 20));
            client.blocks++;
            client.blockedUntil = now + block;
            LOG.warn("login: client network {} blocked for {}s after {} failed logins within {}s (block {} since forgiven)",
                    network, block / 1000, inWindow, window / 1000, client.blocks);
            // The next window starts when the block ends: failures in flight now do not count twice.
            client.windowStart = client.blockedUntil;
            client.windowFailures = 0;
        }
        return inWindow;
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
                if (now - Math.max(c.lastFailure, c.blockedUntil) > keep) it.remove();
            }
        }
        if (clients.size() >= settings.maxTrackedClients()) clients.clear();
    }

    /** IPv4 address, or the /64 of an IPv6 address. */
    static String networkOf(InetAddress peer) {
        if (peer == null) return "unknown";
        byte[] bytes = TrustedNetworks.unmapped(peer.getAddress());
        if (bytes.length == 4) return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < 8; i += 2) prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
        return prefix.append(":/64").toString(); // 2001:db8:1:2::/64
    }
}
