package org.mailroom.server;

import ch.qos.logback.classic.LoggerContext;
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
import org.mailroom.core.delivery.Srs;
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
import org.mailroom.delivery.sieve.SieveDelivery;
import org.mailroom.delivery.sieve.SieveRunner;
import org.mailroom.sieve.SieveCompiler;
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
import org.mailroom.protocol.managesieve.ManageSieveServer;
import org.mailroom.protocol.managesieve.ManageSieveSettings;
import org.mailroom.protocol.managesieve.ScriptCompiler;
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
import org.mailroom.server.config.SieveSection;
import org.mailroom.server.autoconfig.MailEndpoints;
import org.mailroom.server.http.AdminHttpServer;
import org.mailroom.server.http.AutoconfigHttpServer;
import org.mailroom.server.http.AdminRoutes;
import org.mailroom.server.http.LogRing;
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

    /** The configuration the server started with: listeners, store, host name and the other restart keys. */
    private final Config config;
    /** The configuration applied last (at start or by {@link #reload}); guarded by {@code this}. */
    private Config applied;
    private final Storage storage;
    private final EventLoops loops;
    private final Router router;
    private final List<AutoCloseable> listeners = new ArrayList<>();
    private final Map<String, InetSocketAddress> bound = new LinkedHashMap<>();
    private QueueRunner queueRunner;
    private Bounces bounces;
    private PrometheusMetrics metrics;
    private AdminHttpServer admin;
    private LogRing logRing;
    private AdminEndpoint adminEndpoint;
    private TlsReportSender tlsReportSender;
    // What a reload (SIGHUP) reconfigures, kept from the start.
    private Clock clock;
    private DnsjavaResolver dns;
    private TlsContext tls;
    private SaslMechanisms mechanisms;
    private LoginGuard guard;
    private RemoteDelivery remote;

    private Server(Config config, Storage storage, EventLoops loops, Router router) {
        this.config = config;
        this.applied = config;
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
            server.clock = clock;
            server.dns = dns;
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
        tls = tlsContext();
        // One authenticator (with its login cache) and one guard for every protocol: a password guesser is
        // slowed down across SMTP, POP3 and IMAP alike.
        mechanisms = new SaslMechanisms(new Authenticator(storage.directory(), clock));
        guard = new LoginGuard(guardSettings(config), clock);
        Optional<InetSocketAddress> smtp = config.listen().smtpAddress();
        if (smtp.isPresent()) {
            SmtpServer server = new SmtpServer(smtpSettings(config, false), router, storage.blobStore(), loops, clock,
                    tls, false, null, inboundChecks(config));
            listeners.add(server);
            bound.put("smtp", bind("listen.smtp", smtp.get(), () -> server.start(smtp.get())));
        }
        // Submission (RFC 6409): the same SMTP server with AUTH required, and relaying allowed once authenticated.
        SmtpAuth auth = smtpAuth(config);
        SmtpSettings submission = smtpSettings(config, true);
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
        Pop3Settings pop3Settings = pop3Settings(config);
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
        ImapSettings imapSettings = imapSettings(config);
        StoredMessageStructure structure = new StoredMessageStructure(storage.mailStore(), storage.blobStore());
        Quota quota = new Quota(storage.mailStore(), storage.directory(), config.limits().mailboxQuota()); // stateless
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
        // ManageSieve on 4190 with STARTTLS (RFC 5804): the users' Sieve scripts, compiled before they are stored.
        Optional<InetSocketAddress> managesieve = config.listen().managesieveAddress();
        if (managesieve.isPresent()) {
            SieveSection sieve = config.sieve();
            LimitsSection limits = config.limits();
            ManageSieveSettings settings = new ManageSieveSettings(config.server().hostname(), limits.imapIdleTimeout(),
                    ManageSieveSettings.DEFAULT_MAX_LINE_LENGTH, (int) sieve.maxScriptSize(), sieve.maxScripts(),
                    sieve.maxRedirects(), limits.authFailures(), limits.connections(), false,
                    config.tls().plaintextAuthFromLoopback());
            ManageSieveServer server = new ManageSieveServer(settings, storage.sieveScripts(),
                    ScriptCompiler.of(new SieveCompiler()), mechanisms, guard, tls, loops.boss(), loops.workers(),
                    loops.blocking());
            listeners.add(server);
            bound.put("managesieve", bind("listen.managesieve", managesieve.get(), () -> server.start(managesieve.get())));
        }
    }

    /*
     * The settings of each part, from a configuration: used at start and again by a reload. The host name always
     * comes from the configuration the server started with (it is a restart key: greetings and Received headers
     * of one process agree).
     */

    /** Port 25 ({@code submission} false) or submission: the latter has no greeting delay. */
    private SmtpSettings smtpSettings(Config c, boolean submission) {
        LimitsSection limits = c.limits();
        return new SmtpSettings(config.server().hostname(), limits.messageSize(), limits.recipients(),
                limits.commandLine(), limits.textLine(), limits.commandTimeout(), limits.sessionTimeout(),
                limits.errors(), limits.errorDelay(), submission ? Duration.ZERO : limits.greetingDelay(),
                limits.connections(), limits.connectionsPerIp(), limits.hopCount(),
                c.smtp().normalizeBareLineEndings(), false);
    }

    private SmtpAuth smtpAuth(Config c) {
        return new SmtpAuth(mechanisms, guard, new SenderOwnership(storage.directory()),
                c.smtp().submissionPlaintextAuth(), c.smtp().submissionHideClient());
    }

    private static LoginGuard.Settings guardSettings(Config c) {
        LimitsSection limits = c.limits();
        return new LoginGuard.Settings(limits.authDelay(), Duration.ofSeconds(30), limits.authFailures(),
                limits.authAttemptsPerMinute(), Duration.ofMinutes(1), Duration.ofMinutes(15), 100_000,
                Duration.ofMinutes(15), limits.loginTrust());
    }

    private Pop3Settings pop3Settings(Config c) {
        LimitsSection limits = c.limits();
        return new Pop3Settings(config.server().hostname(), limits.pop3IdleTimeout(),
                Pop3Settings.DEFAULT_MAX_LINE_LENGTH, limits.authFailures(), limits.connections(), false,
                c.tls().plaintextAuthFromLoopback());
    }

    private ImapSettings imapSettings(Config c) {
        LimitsSection limits = c.limits();
        // mailbox_quota stays as started: the Quota objects of delivery and IMAP are built once.
        return new ImapSettings(config.server().hostname(), limits.imapIdleTimeout(),
                ImapSettings.DEFAULT_MAX_LINE_LENGTH, limits.messageSize(), limits.connections(), false,
                c.tls().plaintextAuthFromLoopback(), config.limits().mailboxQuota());
    }

    /** SPF, DKIM, ARC and DMARC of mail on port 25 ({@code [auth]}), or null when {@code auth.verify} is off. */
    private InboundAuthenticator inboundChecks(Config c) {
        AuthSection auth = c.auth();
        if (!auth.verify()) return null;
        return new InboundAuthenticator(dns, new InboundAuthenticator.Settings(
                auth.authservIdOr(config.server().hostname()), auth.dmarcReject(), auth.spfReject(),
                auth.tempfailOnDnsError(), auth.unenforced()), clock);
    }

    /** The server's certificate: the configured PEM files, or a self-signed one kept in the data directory. */
    private TlsContext tlsContext() throws IOException {
        try {
            return new TlsContext(certificateSource(config));
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("tls: " + e.getMessage(), e);
        }
    }

    private CertificateSource certificateSource(Config c) {
        return CertificateSource.forConfig(c.tls().certificatePath().orElse(null),
                c.tls().privateKeyPath().orElse(null), config.server().dataDir(), config.server().hostname());
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
        remote = new RemoteDelivery(mx, client, storage.blobStore(), clock, ConnectionCache.Limits.DEFAULT, relayLogin);
        // DKIM for our domains' mail and bounces, ARC for forwarded mail (issue 13); keys from the directory.
        remote.signWith(outboundSigner(config));
        if (relay.isEmpty()) remote.secureTransportWith(transportSecurity(dns, clock));
        bounces = new Bounces(router, storage.blobStore(), hostname, clock);
        local.sendSuccessNoticesWith(bounces);
        startSieve(clock, local);
        queueRunner = new QueueRunner(storage.mailQueue(), remote, bounces, queueSettings(config), clock);
        queueRunner.start();
        queued.queueThrough(queueRunner);
        local.wakeAfterQueueing(queueRunner::wakeUp);
    }

    private OutboundSigner outboundSigner(Config c) {
        String hostname = config.server().hostname();
        return new OutboundSigner(storage.directory(), new DkimRotation(storage.directory(), c.dkim().rotation()),
                new DkimSigner(clock), new ArcSealer(dns, clock), hostname, c.auth().authservIdOr(hostname), clock,
                c.dkim().sign());
    }

    private static QueueRunner.Settings queueSettings(Config c) {
        OutboundSection out = c.outbound();
        return new QueueRunner.Settings(out.retryIntervals(), out.lifetime(), out.warnAfter(), out.maxConnections(),
                out.maxConnectionsPerDestination(), out.pollInterval(), out.lease());
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
        if (!next.tls().equals(applied.tls()) && tls != null) {
            try {
                tls.use(certificateSource(next));
            } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
                throw new IOException("tls: " + e.getMessage(), e);
            }
        } else if (tls != null) {
            tls.reload();
        }
        LogFormat.apply(next.log());
        if (guard != null) guard.reconfigure(guardSettings(next));
        for (AutoCloseable l : listeners) {
            if (l instanceof SmtpServer) {
                SmtpServer smtp = (SmtpServer) l;
                boolean submission = smtp.requiresAuth();
                smtp.reconfigure(smtpSettings(next, submission), submission ? smtpAuth(next) : null,
                        submission ? null : inboundChecks(next));
            } else if (l instanceof ImapServer) {
                ((ImapServer) l).reconfigure(imapSettings(next));
            } else if (l instanceof Pop3Server) {
                ((Pop3Server) l).reconfigure(pop3Settings(next));
            }
        }
        if (remote != null) remote.signWith(outboundSigner(next));
        if (queueRunner != null) queueRunner.reconfigure(queueSettings(next));
        next.warnings().forEach(w -> log.warn("{}", w));
        applied = next;
        return changes;
    }

    /** The graceful stop's grace as last applied ({@code server.shutdown_grace} changes with a reload). */
    public synchronized Duration shutdownGrace() {
        return applied.server().shutdownGrace();
    }

    /**
     * Sieve at local delivery (issue 15) and SRS: forwarded copies (redirects, aliases to other hosts) leave with
     * an SRS reverse path, and the router takes the bounces to those addresses back to the original senders.
     */
    private void startSieve(Clock clock, LocalDelivery local) throws IOException {
        SieveSection settings = config.sieve();
        Srs srs = new Srs(SrsSecret.load(settings.srsSecret(), config.server().dataDir()));
        router.reverseSrsWith(srs, clock);
        local.rewriteForwardsWith(srs, clock);
        if (!settings.enabled()) return;
        SieveCompiler compiler = new SieveCompiler();
        SieveRunner runner = new SieveRunner(storage.sieveScripts(), storage.directory(), storage.mailStore(),
                storage.blobStore(), compiler::compile, clock,
                new SieveRunner.VacationPeriods(settings.vacationMinPeriod(), settings.vacationMaxPeriod()));
        SieveDelivery sieve = new SieveDelivery(runner, router, storage.mailStore(), storage.blobStore(),
                storage.directory(), srs, config.server().hostname(), settings.maxRedirects(), clock);
        sieve.sendNoticesWith(bounces);
        local.runSieveWith(sieve);
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
        // The listeners' context, so that a reload renews the admin listener's certificate too.
        TlsContext adminTls = loopback ? null : tls != null ? tls : tlsContext();
        List<String> names = List.copyOf(bound.keySet());
        List<AutoCloseable> started = List.copyOf(listeners);
        logRing = attachLogRing();
        AdminEndpoint endpoint = AdminEndpoint.create(config.server().dataDir());
        AdminRoutes.Backend backend = new AdminRoutes.Backend(storage.directory(),
                new QueueAdmin(storage.mailQueue(), bounces, storage.blobStore()), queueRunner::wakeUp, metrics,
                () -> notListening(names, started), config, logRing, endpoint.token(), config.dkim().rotation());
        admin = new AdminHttpServer(loops, adminTls, backend, config.admin().metricsTokenRequired());
        InetSocketAddress at = bind("listen.admin", address.get(), () -> admin.start(address.get()));
        bound.put("admin", at);
        // The command line finds us by these files and sends its changes here: one writer (AdminEndpoint).
        publishEndpoint(endpoint, at, adminTls);
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

    /** The names of the listeners that stopped accepting; names and listeners were added in the same order. */
    private static List<String> notListening(List<String> names, List<AutoCloseable> started) {
        List<String> down = new ArrayList<>();
        for (int i = 0; i < started.size(); i++) {
            AutoCloseable l = started.get(i);
            boolean up = l instanceof SmtpServer ? ((SmtpServer) l).listening()
                    : l instanceof ImapServer ? ((ImapServer) l).listening()
                    : l instanceof Pop3Server ? ((Pop3Server) l).listening()
                    : l instanceof ManageSieveServer ? ((ManageSieveServer) l).listening()
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
            if (l instanceof ManageSieveServer) ((ManageSieveServer) l).stopAccepting();
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
        if (logRing != null) {
            ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(logRing);
            logRing.stop();
        }
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
