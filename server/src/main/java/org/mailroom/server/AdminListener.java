package org.mailroom.server;

import ch.qos.logback.classic.LoggerContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.mailroom.protocol.EventLoops;
import org.mailroom.protocol.tls.TlsContext;
import org.mailroom.server.admin.AdminEndpoint;
import org.mailroom.server.admin.QueueAdmin;
import org.mailroom.server.admin.RemoteAdmin;
import org.mailroom.server.config.Config;
import org.mailroom.server.http.AdminHttpServer;
import org.mailroom.server.http.AdminRoutes;
import org.mailroom.server.http.LogRing;
import org.mailroom.server.http.PrometheusMetrics;
import org.mailroom.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API, /metrics, the health checks and the web console (issue 14), on {@code listen.admin}, and the
 * files by which the command line finds it.
 */
final class AdminListener implements AutoCloseable {

    private final Config config;
    private final Storage storage;
    private final EventLoops loops;
    private AdminHttpServer http;
    private LogRing logRing;
    private AdminEndpoint endpoint;
    private InetSocketAddress address;

    AdminListener(Config config, Storage storage, EventLoops loops) {
        this.config = config;
        this.storage = storage;
        this.loops = loops;
    }

    /**
     * Started last so that /readyz sees every other listener. Off loopback it speaks only TLS, with the mail
     * listeners' certificate (which a reload renews): it carries tokens and passwords.
     */
    void start(MailListeners listeners, Delivery delivery, PrometheusMetrics metrics) throws IOException {
        Optional<InetSocketAddress> configured = config.listen().adminAddress();
        if (configured.isEmpty()) return;
        boolean loopback = configured.get().getAddress() != null && configured.get().getAddress().isLoopbackAddress();
        TlsContext tls = loopback ? null : listeners.tls();
        logRing = attachLogRing();
        AdminEndpoint created = AdminEndpoint.create(config.server().dataDir());
        AdminRoutes.Backend backend = new AdminRoutes.Backend(storage.directory(),
                new QueueAdmin(storage.mailQueue(), delivery.bounces(), storage.blobStore()),
                delivery.queueRunner()::wakeUp, metrics, listeners::notListening, config, logRing, created.token(),
                config.dkim().rotation());
        http = new AdminHttpServer(loops, tls, backend, config.admin().metricsTokenRequired());
        address = PortBinding.bind("listen.admin", configured.get(), () -> http.start(configured.get()));
        // The command line finds us by these files and sends its changes here: one writer (AdminEndpoint).
        publish(created, tls);
    }

    private void publish(AdminEndpoint created, TlsContext tls) throws IOException {
        java.net.InetAddress host = address.getAddress();
        if (host == null || host.isAnyLocalAddress()) {
            host = host instanceof java.net.Inet6Address ? java.net.InetAddress.getByName("::1")
                    : java.net.InetAddress.getByName("127.0.0.1");
        }
        String literal = host instanceof java.net.Inet6Address ? "[" + host.getHostAddress() + "]" : host.getHostAddress();
        String fingerprint = null;
        if (tls != null) {
            try {
                fingerprint = java.util.HexFormat.of().formatHex(RemoteAdmin.fingerprint(tls.certificate()));
            } catch (java.security.cert.CertificateException e) {
                throw new IOException("tls: " + e.getMessage(), e);
            }
        }
        created.publish((tls == null ? "http://" : "https://") + literal + ":" + address.getPort(), fingerprint);
        endpoint = created;
    }

    /** The address bound, or null when there is no admin listener. */
    InetSocketAddress address() {
        return address;
    }

    /**
     * The web console's log tail and recent mail: an appender on Logback's root logger, or null when SLF4J is
     * bound to something else (the console then shows an empty tail).
     */
    private static LogRing attachLogRing() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext)) return null;
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        LogRing ring = new LogRing();
        ring.setContext(context);
        ring.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(ring);
        return ring;
    }

    @Override
    public void close() {
        if (endpoint != null) endpoint.withdraw();
        if (http != null) http.close();
        if (logRing != null) {
            ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(logRing);
            logRing.stop();
        }
    }
}
