package org.mailroom.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mailroom.core.delivery.Router;
import org.mailroom.core.metrics.Metrics;
import org.mailroom.delivery.QueueRunner;
import org.mailroom.delivery.dns.DnsjavaResolver;
import org.mailroom.delivery.tls.TlsReportSender;
import org.mailroom.protocol.EventLoops;
import org.mailroom.server.config.Config;
import org.mailroom.server.http.PrometheusMetrics;
import org.mailroom.storage.Storage;
import org.mailroom.storage.embedded.EmbeddedStorage;
import org.mailroom.storage.postgres.PostgresStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole server, wired by hand in dependency order: configuration, storage, delivery ({@link Delivery}), the
 * mail listeners ({@link MailListeners}), the admin listener ({@link AdminListener}). Start here to see how the
 * parts connect; this class owns their lifecycle: start, reload, graceful stop and close.
 */
public final class Server implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Server.class);

    /** The configuration the server started with: listeners, store, host name and the other restart keys. */
    private final Config config;
    /** The configuration applied last (at start or by {@link #reload}); guarded by {@code this}. */
    private Config applied;
    private final Storage storage;
    private final EventLoops loops;
    private final Delivery delivery;
    // Null until started; close() stops what did start.
    private PrometheusMetrics metrics;
    private MailListeners listeners;
    private AdminListener admin;

    private Server(Config config, Storage storage, EventLoops loops, Delivery delivery) {
        this.config = config;
        this.applied = config;
        this.storage = storage;
        this.loops = loops;
        this.delivery = delivery;
    }

    /** Opens the store and starts every configured listener; on any failure nothing is left running. */
    public static Server start(Config config) throws IOException {
        return start(config, Clock.systemUTC());
    }

    /** As {@link #start(Config)}, with the clock that schedules the queue (tests move it by hand). */
    public static Server start(Config config, Clock clock) throws IOException {
        Storage storage = openStorage(config);
        EventLoops loops = EventLoops.forThisMachine(config.server().nativeTransport());
        Server server = new Server(config, storage, loops, new Delivery(config, storage, loops, clock));
        try {
            server.startMetrics();
            // One resolver, one cache: the inbound checks (SPF, DKIM keys, DMARC) and the outbound queue (MX).
            DnsjavaResolver dns = new DnsjavaResolver(config.dns().serverAddresses(), Duration.ofSeconds(5), clock,
                    config.dns().dnssec());
            server.listeners = new MailListeners(config, storage, loops, server.delivery.router(), clock, dns);
            server.listeners.start();
            server.delivery.start(dns);
            server.listeners.startAutoconfig();
            server.admin = new AdminListener(config, storage, loops);
            server.admin.start(server.listeners, server.delivery, server.metrics);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        config.warnings().forEach(w -> log.warn("{}", w));
        log.info("mailroom started: hostname={} data={} transport={} {}", config.server().hostname(),
                config.server().dataDir().toAbsolutePath(), loops.nativeTransport() ? "epoll" : "nio",
                server.bound());
        return server;
    }

    /**
     * The store that {@code store.backend} names: the data directory (one machine), or PostgreSQL (several
     * nodes on one database; the data directory then holds only TLS files and blobs being received).
     */
    public static Storage openStorage(Config config) throws IOException {
        if (config.store().isEmbedded()) {
            return EmbeddedStorage.open(config.server().dataDir(), (int) config.store().inlineBlobMax(),
                    config.store().expungedKept());
        }
        return PostgresStorage.open(config.store().url(), config.store().user(), config.store().password(),
                config.server().dataDir().resolve("tmp"), config.store().expungedKept());
    }

    /**
     * The meters behind {@code /metrics}, installed before the listeners so that their first connection counts.
     * Without an admin listener nothing is installed and every count is a call to a no-op.
     */
    private void startMetrics() {
        if (config.listen().adminAddress().isEmpty()) return;
        metrics = new PrometheusMetrics(storage.mailQueue());
        Metrics.install(metrics);
    }

    /**
     * Applies a configuration read again (SIGHUP): every key of {@link ConfigChanges#LIVE} takes effect for the
     * connections, logins and messages that start from now on; sessions already open finish with what they had.
     * The TLS files are read again even when their names did not change (a renewed certificate). Other keys
     * keep their value until a restart, and the returned changes name them.
     *
     * @throws IOException when the new certificate or key cannot be loaded; then nothing at all has changed
     */
    public synchronized ConfigChanges reload(Config next) throws IOException {
        ConfigChanges changes = ConfigChanges.between(config, applied, next);
        listeners.renewCertificate(applied, next);
        LogFormat.apply(next.log());
        listeners.reconfigure(next);
        delivery.reconfigure(next);
        next.warnings().forEach(w -> log.warn("{}", w));
        applied = next;
        return changes;
    }

    /** The graceful stop's grace as last applied ({@code server.shutdown_grace} changes with a reload). */
    public synchronized Duration shutdownGrace() {
        return applied.server().shutdownGrace();
    }

    /** A listener could not bind: the message says which and what to do. */
    public static final class ListenException extends IOException {
        public ListenException(String message) {
            super(message);
        }
    }

    /** The address each listener is bound to, by name, in start order, the admin listener last. */
    private Map<String, InetSocketAddress> bound() {
        Map<String, InetSocketAddress> bound = new LinkedHashMap<>(listeners.addresses());
        if (admin.address() != null) bound.put("admin", admin.address());
        return bound;
    }

    /** The address each protocol listens on, by name ("smtp", "pop3"). */
    public Map<String, InetSocketAddress> addresses() {
        return Map.copyOf(bound());
    }

    public java.nio.file.Path dataDir() {
        return config.server().dataDir();
    }

    public Storage storage() {
        return storage;
    }

    public Router router() {
        return delivery.router();
    }

    /** The outbound queue's runner; {@link QueueRunner#wakeUp()} makes it look at the queue now. */
    public QueueRunner queueRunner() {
        return delivery.queueRunner();
    }

    /** Sends the TLS reports (RFC 8460) of the days before today now; null when outbound.tls_reports is off. */
    public TlsReportSender tlsReportSender() {
        return delivery.tlsReportSender();
    }

    /**
     * A graceful stop (SIGTERM): the SMTP listeners stop taking mail at once (421 4.3.2 to new and idle
     * sessions), IMAP and POP3 say BYE and -ERR to new sessions and end the others between two commands,
     * SMTP transactions in flight get up to {@code grace} to finish, then {@link #close()} ends the rest.
     * A message whose data a client was still sending when the grace ran out is not acknowledged, so the client
     * keeps it and retries: nothing acknowledged is lost.
     */
    public void shutdown(Duration grace) {
        listeners.stopAccepting(grace);
        close();
    }

    @Override
    public void close() {
        if (admin != null) admin.close();
        delivery.close();
        if (listeners != null) listeners.close();
        loops.close();
        if (metrics != null) {
            Metrics.uninstall(metrics);
            metrics.close();
        }
        storage.close();
        log.info("mailroom stopped");
    }
}
