package org.mailroom.server;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Set;
import org.mailroom.core.auth.Authenticator;
import org.mailroom.core.auth.LoginGuard;
import org.mailroom.core.auth.SaslMechanisms;
import org.mailroom.core.delivery.Router;
import org.mailroom.core.dkim.DkimRotation;
import org.mailroom.core.dns.DnsResolver;
import org.mailroom.core.inbound.SenderOwnership;
import org.mailroom.core.metrics.Metrics;
import org.mailroom.core.store.Quota;
import org.mailroom.delivery.Bounces;
import org.mailroom.delivery.ConnectionCache;
import org.mailroom.delivery.LocalDelivery;
import org.mailroom.delivery.MxResolver;
import org.mailroom.delivery.QueueDelivery;
import org.mailroom.delivery.QueueRunner;
import org.mailroom.delivery.RemoteDelivery;
import org.mailroom.delivery.dns.DnsjavaResolver;
import org.mailroom.delivery.signing.OutboundSigner;
import org.mailroom.mailauth.arc.ArcSealer;
import org.mailroom.mailauth.dkim.DkimSigner;
import org.mailroom.mailauth.InboundAuthenticator;
import org.mailroom.delivery.tls.MtaStsPolicies;
import org.mailroom.delivery.tls.PolicyFetcher;
import org.mailroom.delivery.tls.TlsReportSender;
import org.mailroom.delivery.tls.TlsReports;
import org.mailroom.delivery.tls.TransportSecurity;
import org.mailroom.delivery.tls.TrustAnchors;
import org.mailroom.protocol.EventLoops;
import org.mailroom.protocol.smtp.client.SmtpClient;
import org.mailroom.protocol.imap.ImapServer;
import org.mailroom.protocol.imap.ImapSettings;
import org.mailroom.protocol.imap.StoredMessageStructure;
import org.mailroom.protocol.pop3.Pop3Server;
import org.mailroom.protocol.pop3.Pop3Settings;
import org.mailroom.protocol.smtp.SmtpAuth;
import org.mailroom.protocol.smtp.SmtpServer;
import org.mailroom.protocol.smtp.SmtpSettings;
import org.mailroom.protocol.tls.CertificateSource;
import org.mailroom.protocol.tls.TlsContext;
import org.mailroom.server.admin.AdminEndpoint;
import org.mailroom.server.admin.QueueAdmin;
import org.mailroom.server.admin.RemoteAdmin;
import org.mailroom.server.config.AuthSection;
import org.mailroom.server.config.Config;
import org.mailroom.server.config.HostPort;
import org.mailroom.server.config.LimitsSection;
import org.mailroom.server.config.OutboundSection;
import org.mailroom.server.autoconfig.MailEndpoints;
import org.mailroom.server.http.AdminHttpServer;
import org.mailroom.server.http.AutoconfigHttpServer;
import org.mailroom.server.http.AdminRoutes;
import org.mailroom.server.http.PrometheusMetrics;
import org.mailroom.storage.Storage;
import org.mailroom.storage.embedded.EmbeddedStorage;
import org.mailroom.storage.postgres.PostgresStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole server, wired by hand in dependency order: configuration, storage, delivery, listeners.
 * Everything Mailroom runs is created here; read this file to see how the parts connect.
 */
public final class Server implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Server.class);

    private final Config config;
    private final Storage storage;
    private final EventLoops loops;
    private final Router router;
    private final List<AutoCloseable> listeners = new ArrayList<>();
    private final Map<String, InetSocketAddress> bound = new LinkedHashMap<>();
    private QueueRunner queueRunner;
    private Bounces bounces;
    private PrometheusMetrics metrics;
    private AdminHttpServer admin;
    private AdminEndpoint adminEndpoint;
    private TlsReportSender tlsReportSender;

    private Server(Config config, Storage storage, EventLoops loops, Router router) {
        this.config = config;
        this.storage = storage;
        this.loops = loops;
        this.router = router;
    }

    /** Opens the store and starts every configured listener; on any failure nothing is left running. */
    public static Server start(Config config) throws IOException {
        return start(config, Clock.systemUTC());
    }

    /** As {@link #start(Config)}, with the clock that schedules the queue (tests move it by hand). */
    public static Server start(Config config, Clock clock) throws IOException {
        Storage storage = openStorage(config);
        EventLoops loops = EventLoops.forThisMachine(config.server().nativeTransport());
        // Each account's own limit from the directory (./mailroom user quota), else limits.mailbox_quota.
        Quota quota = new Quota(storage.mailStore(), storage.directory(), config.limits().mailboxQuota());
        LocalDelivery local = new LocalDelivery(storage.mailStore(), storage.mailQueue(), storage.directory(), quota);
        QueueDelivery queued = new QueueDelivery(storage.mailQueue());
        Router router = new Router(storage.directory(), local, queued, quota);
        Server server = new Server(config, storage, loops, router);
        try {
            server.startMetrics();
            // One resolver, one cache: the inbound checks (SPF, DKIM keys, DMARC) and the outbound queue (MX).
            DnsjavaResolver dns = new DnsjavaResolver(config.dns().serverAddresses(), Duration.ofSeconds(5), clock,
                    config.dns().dnssec());
            server.startListeners(clock, dns);
            server.startQueueRunner(clock, dns, local, queued);
            server.startAutoconfig();
            server.startAdmin();
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        config.warnings().forEach(w -> log.warn("{}", w));
        log.info("mailroom started: hostname={} data={} transport={} {}", config.server().hostname(),
                config.server().dataDir().toAbsolutePath(), loops.nativeTransport() ? "epoll" : "nio", server.bound);
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

    private void startListeners(Clock clock, DnsResolver dns) throws IOException {
        String hostname = config.server().hostname();
        LimitsSection limits = config.limits();
        TlsContext tls = tlsContext();
        // One authenticator (with its login cache) and one guard for every protocol: a password guesser is
        // slowed down across SMTP, POP3 and IMAP alike.
        SaslMechanisms mechanisms = new SaslMechanisms(new Authenticator(storage.directory(), clock));
        LoginGuard guard = new LoginGuard(new LoginGuard.Settings(limits.authDelay(), java.time.Duration.ofSeconds(30),
                limits.authFailures(), limits.authAttemptsPerMinute(), java.time.Duration.ofMinutes(1),
                java.time.Duration.ofMinutes(15), 100_000, java.time.Duration.ofMinutes(15), limits.loginTrust()), clock);
        Optional<InetSocketAddress> smtp = config.listen().smtpAddress();
        if (smtp.isPresent()) {
            SmtpSettings settings = new SmtpSettings(hostname, limits.messageSize(), limits.recipients(),
                    limits.commandLine(), limits.textLine(), limits.commandTimeout(), limits.sessionTimeout(),
                    limits.errors(), limits.errorDelay(), limits.greetingDelay(), limits.connections(),
                    limits.connectionsPerIp(), limits.hopCount(), config.smtp().normalizeBareLineEndings(), false);
            SmtpServer server = new SmtpServer(settings, router, storage.blobStore(), loops, clock, tls, false, null,
                    inboundChecks(dns, clock));
            listeners.add(server);
            bound.put("smtp", bind("listen.smtp", smtp.get(), () -> server.start(smtp.get())));
        }
        // Submission (RFC 6409): the same SMTP server with AUTH required, and relaying allowed once authenticated.
        SmtpAuth auth = new SmtpAuth(mechanisms, guard, new SenderOwnership(storage.directory()),
                config.smtp().submissionPlaintextAuth(), config.smtp().submissionHideClient());
        SmtpSettings submission = new SmtpSettings(hostname, limits.messageSize(), limits.recipients(),
                limits.commandLine(), limits.textLine(), limits.commandTimeout(), limits.sessionTimeout(),
                limits.errors(), limits.errorDelay(), java.time.Duration.ZERO, limits.connections(),
                limits.connectionsPerIp(), limits.hopCount(), config.smtp().normalizeBareLineEndings(), false);
        Optional<InetSocketAddress> port587 = config.listen().submissionAddress();
        if (port587.isPresent()) {
            SmtpServer server = new SmtpServer(submission, router, storage.blobStore(), loops, clock, tls, false, auth);
            listeners.add(server);
            bound.put("submission", bind("listen.submission", port587.get(), () -> server.start(port587.get())));
        }
        Optional<InetSocketAddress> port465 = config.listen().submissionsAddress();
        if (port465.isPresent()) {
            SmtpServer server = new SmtpServer(submission, router, storage.blobStore(), loops, clock, tls, true, auth);
            listeners.add(server);
            bound.put("submissions", bind("listen.submissions", port465.get(), () -> server.start(port465.get())));
        }
        // POP3 on 110 with STLS and on 995 with implicit TLS (RFC 8314); passwords in the clear only under TLS
        // or from loopback.
        Pop3Settings pop3Settings = new Pop3Settings(hostname, limits.pop3IdleTimeout(),
                Pop3Settings.DEFAULT_MAX_LINE_LENGTH, limits.authFailures(), limits.connections(), false,
                config.tls().plaintextAuthFromLoopback());
        Optional<InetSocketAddress> pop3 = config.listen().pop3Address();
        if (pop3.isPresent()) {
            Pop3Server server = new Pop3Server(pop3Settings, storage.mailStore(), storage.blobStore(), mechanisms, guard,
                    tls, false, loops.boss(), loops.workers(), loops.blocking());
            listeners.add(server);
            bound.put("pop3", bind("listen.pop3", pop3.get(), () -> server.start(pop3.get())));
        }
        Optional<InetSocketAddress> pop3s = config.listen().pop3sAddress();
        if (pop3s.isPresent()) {
            Pop3Server server = new Pop3Server(pop3Settings, storage.mailStore(), storage.blobStore(), mechanisms, guard,
                    tls, true, loops.boss(), loops.workers(), loops.blocking());
            listeners.add(server);
            bound.put("pop3s", bind("listen.pop3s", pop3s.get(), () -> server.start(pop3s.get())));
        }
        // IMAP on 143 with STARTTLS and on 993 with implicit TLS (RFC 8314); the same password policy as POP3.
        ImapSettings imapSettings = new ImapSettings(hostname, limits.imapIdleTimeout(),
                ImapSettings.DEFAULT_MAX_LINE_LENGTH, limits.messageSize(), limits.connections(), false,
                config.tls().plaintextAuthFromLoopback(), limits.mailboxQuota());
        StoredMessageStructure structure = new StoredMessageStructure(storage.mailStore(), storage.blobStore());
        Quota quota = new Quota(storage.mailStore(), storage.directory(), limits.mailboxQuota()); // stateless
        Optional<InetSocketAddress> imap = config.listen().imapAddress();
        if (imap.isPresent()) {
            ImapServer server = new ImapServer(imapSettings, storage.mailStore(), storage.blobStore(), structure,
                    mechanisms, guard, tls, false, loops.boss(), loops.workers(), loops.blocking(), quota);
            listeners.add(server);
            bound.put("imap", bind("listen.imap", imap.get(), () -> server.start(imap.get())));
        }
        Optional<InetSocketAddress> imaps = config.listen().imapsAddress();
        if (imaps.isPresent()) {
            ImapServer server = new ImapServer(imapSettings, storage.mailStore(), storage.blobStore(), structure,
                    mechanisms, guard, tls, true, loops.boss(), loops.workers(), loops.blocking(), quota);
            listeners.add(server);
            bound.put("imaps", bind("listen.imaps", imaps.get(), () -> server.start(imaps.get())));
        }
    }

    /** SPF, DKIM, ARC and DMARC of mail on port 25 ({@code [auth]}), or null when {@code auth.verify} is off. */
    private InboundAuthenticator inboundChecks(DnsResolver dns, Clock clock) {
        AuthSection auth = config.auth();
        if (!auth.verify()) return null;
        return new InboundAuthenticator(dns, new InboundAuthenticator.Settings(
                auth.authservIdOr(config.server().hostname()), auth.dmarcReject(), auth.spfReject(),
                auth.tempfailOnDnsError(), auth.unenforced()), clock);
    }

    /** The server's certificate: the configured PEM files, or a self-signed one kept in the data directory. */
    private TlsContext tlsContext() throws IOException {
        try {
            return new TlsContext(CertificateSource.forConfig(config.tls().certificatePath().orElse(null),
                    config.tls().privateKeyPath().orElse(null), config.server().dataDir(), config.server().hostname()));
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("tls: " + e.getMessage(), e);
        }
    }

    /** Outbound: DNS, MX resolution, the SMTP client and the runner that works the queue (issue 5). */
    private void startQueueRunner(Clock clock, DnsjavaResolver dns, LocalDelivery local, QueueDelivery queued)
            throws IOException {
        OutboundSection out = config.outbound();
        String hostname = config.server().hostname();
        Optional<HostPort> relay = out.relay();
        MxResolver mx = new MxResolver(dns, out.port(), Set.of(hostname.toLowerCase(java.util.Locale.ROOT)),
                relay.map(HostPort::host).orElse(null), relay.map(HostPort::port).orElse(0), new SecureRandom());
        SmtpClient client = new SmtpClient(SmtpClient.Settings.defaults(hostname)
                .withTls(SmtpClient.TlsPolicy.valueOf(out.tlsPolicy().name())), loops.workers());
        RemoteDelivery.RelayLogin relayLogin = out.relayLogin()
                .map(login -> new RemoteDelivery.RelayLogin(login[0], login[1].toCharArray())).orElse(null);
        RemoteDelivery remote = new RemoteDelivery(mx, client, storage.blobStore(), clock, ConnectionCache.Limits.DEFAULT, relayLogin);
        // DKIM for our domains' mail and bounces, ARC for forwarded mail (issue 13); keys from the directory.
        remote.signWith(new OutboundSigner(storage.directory(), new DkimRotation(storage.directory(), config.dkim().rotation()),
                new DkimSigner(clock), new ArcSealer(dns, clock), hostname, config.auth().authservIdOr(hostname), clock,
                config.dkim().sign()));
        if (relay.isEmpty()) remote.secureTransportWith(transportSecurity(dns, clock));
        bounces = new Bounces(router, storage.blobStore(), hostname, clock);
        local.sendSuccessNoticesWith(bounces);
        queueRunner = new QueueRunner(storage.mailQueue(), remote, bounces, new QueueRunner.Settings(
                out.retryIntervals(), out.lifetime(), out.warnAfter(), out.maxConnections(),
                out.maxConnectionsPerDestination(), out.pollInterval(), out.lease()), clock);
        queueRunner.start();
        queued.queueThrough(queueRunner);
        local.wakeAfterQueueing(queueRunner::wakeUp);
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
     * The admin API, /metrics and the health checks (issue 14), started last so that /readyz sees every other
     * listener. Off loopback it speaks only TLS, with the server's certificate: it carries tokens and passwords.
     */
    private void startAdmin() throws IOException {
        Optional<InetSocketAddress> address = config.listen().adminAddress();
        if (address.isEmpty()) return;
        boolean loopback = address.get().getAddress() != null && address.get().getAddress().isLoopbackAddress();
        TlsContext tls = loopback ? null : tlsContext();
        List<String> names = List.copyOf(bound.keySet());
        List<AutoCloseable> started = List.copyOf(listeners);
        AdminEndpoint endpoint = AdminEndpoint.create(config.server().dataDir());
        AdminRoutes.Backend backend = new AdminRoutes.Backend(storage.directory(),
                new QueueAdmin(storage.mailQueue(), bounces, storage.blobStore()), queueRunner::wakeUp, metrics,
                () -> notListening(names, started), endpoint.token(), config.dkim().rotation());
        admin = new AdminHttpServer(loops, tls, backend, config.admin().metricsTokenRequired());
        InetSocketAddress at = bind("listen.admin", address.get(), () -> admin.start(address.get()));
        bound.put("admin", at);
        // The command line finds us by these files and sends its changes here: one writer (AdminEndpoint).
        publishEndpoint(endpoint, at, tls);
    }

    private void publishEndpoint(AdminEndpoint endpoint, InetSocketAddress at, TlsContext tls) throws IOException {
        java.net.InetAddress host = at.getAddress();
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
        endpoint.publish((tls == null ? "http://" : "https://") + literal + ":" + at.getPort(), fingerprint);
        adminEndpoint = endpoint;
    }

    /**
     * Client autoconfiguration (issue 14 point 6): Thunderbird, Autodiscover and Apple profiles, telling clients the
     * ports bound above. HTTPS with the server certificate unless {@code autoconfig.tls} is off.
     */
    private void startAutoconfig() throws IOException {
        Optional<InetSocketAddress> address = config.listen().autoconfigAddress();
        if (address.isEmpty()) return;
        MailEndpoints endpoints = MailEndpoints.of(config.autoconfig().hostnameOr(config.server().hostname()), bound);
        AutoconfigHttpServer server = new AutoconfigHttpServer(loops, config.autoconfig().tls() ? tlsContext() : null,
                storage.directory(), endpoints);
        listeners.add(server);
        bound.put("autoconfig", bind("listen.autoconfig", address.get(), () -> server.start(address.get())));
    }

    /** The names of the listeners that stopped accepting; names and listeners were added in the same order. */
    private static List<String> notListening(List<String> names, List<AutoCloseable> started) {
        List<String> down = new ArrayList<>();
        for (int i = 0; i < started.size(); i++) {
            AutoCloseable l = started.get(i);
            boolean up = l instanceof SmtpServer ? ((SmtpServer) l).listening()
                    : l instanceof ImapServer ? ((ImapServer) l).listening()
                    : l instanceof Pop3Server ? ((Pop3Server) l).listening()
                    : l instanceof AutoconfigHttpServer ? ((AutoconfigHttpServer) l).listening() : true;
            if (!up) down.add(i < names.size() ? names.get(i) : l.toString());
        }
        return down;
    }

    /**
     * MTA-STS, DANE and TLS-RPT for outbound mail. The policy cache and the report counts are files in the data
     * directory: per node with PostgreSQL, which costs a node one policy fetch per domain and no correctness.
     */
    private TransportSecurity transportSecurity(DnsjavaResolver dns, Clock clock) throws IOException {
        OutboundSection out = config.outbound();
        java.nio.file.Path data = config.server().dataDir();
        var trust = TrustAnchors.load(out.tlsTrust().isBlank() ? null : java.nio.file.Path.of(out.tlsTrust()));
        MtaStsPolicies sts = !out.mtaSts() ? null : new MtaStsPolicies(dns,
                new PolicyFetcher(dns, trust, out.mtaStsPort(), Duration.ofSeconds(10)),
                data.resolve(MtaStsPolicies.FILE_NAME), clock);
        TlsReports reports = null;
        if (out.tlsReports()) {
            reports = new TlsReports(data.resolve(TlsReports.FILE_NAME), clock);
            String hostname = config.server().hostname();
            tlsReportSender = new TlsReportSender(reports, dns, router, storage.blobStore(), hostname,
                    out.tlsReportOrg().isBlank() ? hostname : out.tlsReportOrg(), trust, clock);
            tlsReportSender.start();
        }
        return new TransportSecurity(dns, sts, config.dns().dnssec(), trust, reports);
    }

    private interface Binder {
        InetSocketAddress bind() throws Exception;
    }

    /** Binds one listener; a port we may not or cannot use becomes one clear line naming the key. */
    private static InetSocketAddress bind(String key, InetSocketAddress address, Binder binder) throws IOException {
        try {
            return binder.bind();
        } catch (Exception e) {
            Throwable cause = e;
            while (cause != null && !(cause instanceof BindException)) cause = cause.getCause();
            if (cause == null) throw new IOException(key + ": cannot listen on " + show(address) + ": " + e, e);
            String why = String.valueOf(cause.getMessage());
            String remedy = address.getPort() < 1024 && why.toLowerCase().contains("permission")
                    ? "ports below 1024 need root or CAP_NET_BIND_SERVICE (setcap 'cap_net_bind_service=+ep' on java, "
                      + "or AmbientCapabilities in the systemd unit), or choose another port"
                    : "another program may be using it; stop it or choose another port";
            throw new ListenException(key + ": cannot listen on " + show(address) + " (" + why + "): " + remedy
                    + ", for example --set " + key + "=:" + (address.getPort() < 1024 ? 2000 + address.getPort() : address.getPort() + 1));
        }
    }

    /** "30s", "1m30s": as the configuration writes durations. */
    private static String show(Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }

    private static String show(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }

    /** A listener could not bind: the message says which and what to do. */
    public static final class ListenException extends IOException {
        public ListenException(String message) {
            super(message);
        }
    }

    /** The address each protocol listens on, by name ("smtp", "pop3"). */
    public Map<String, InetSocketAddress> addresses() {
        return Map.copyOf(bound);
    }

    public java.nio.file.Path dataDir() {
        return config.server().dataDir();
    }

    public Storage storage() {
        return storage;
    }

    public Router router() {
        return router;
    }

    /** The outbound queue's runner; {@link QueueRunner#wakeUp()} makes it look at the queue now. */
    public QueueRunner queueRunner() {
        return queueRunner;
    }

    /** Sends the TLS reports (RFC 8460) of the days before today now; null when outbound.tls_reports is off. */
    public TlsReportSender tlsReportSender() {
        return tlsReportSender;
    }

    /**
     * A graceful stop (SIGTERM): the SMTP listeners stop taking mail at once (421 4.3.2 to new and idle
     * sessions), IMAP and POP3 say BYE and -ERR to new sessions and end the others between two commands,
     * SMTP transactions in flight get up to {@code grace} to finish, then {@link #close()} ends the rest.
     * A message whose data a client was still sending when the grace ran out is not acknowledged, so the client
     * keeps it and retries: nothing acknowledged is lost.
     */
    public void shutdown(Duration grace) {
        List<SmtpServer> smtp = new ArrayList<>();
        for (AutoCloseable l : listeners) if (l instanceof SmtpServer) smtp.add((SmtpServer) l);
        log.info("mailroom stopping: finishing transactions in flight (at most {})", show(grace));
        smtp.forEach(SmtpServer::stopAccepting);
        for (AutoCloseable l : listeners) {
            if (l instanceof ImapServer) ((ImapServer) l).stopAccepting();
            if (l instanceof Pop3Server) ((Pop3Server) l).stopAccepting();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            while (System.nanoTime() < deadline && smtp.stream().anyMatch(s -> s.activeSessions() > 0)) {
                Thread.sleep(50); // a stop happens once; polling the session counts is simpler than a latch
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int left = smtp.stream().mapToInt(SmtpServer::activeSessions).sum();
        if (left > 0) log.warn("grace of {} over: closing {} SMTP sessions still in a transaction", show(grace), left);
        close();
    }

    @Override
    public void close() {
        if (adminEndpoint != null) adminEndpoint.withdraw();
        if (admin != null) admin.close();
        if (queueRunner != null) queueRunner.close();
        if (tlsReportSender != null) tlsReportSender.close();
        for (AutoCloseable listener : listeners) {
            try {
                listener.close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", listener, e.toString());
            }
        }
        loops.close();
        if (metrics != null) {
            Metrics.uninstall(metrics);
            metrics.close();
        }
        storage.close();
        log.info("mailroom stopped");
    }
}
