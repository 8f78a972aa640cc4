package org.mailroom.server;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.mailroom.core.delivery.Router;
import org.mailroom.core.delivery.Srs;
import org.mailroom.core.dkim.DkimRotation;
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
import org.mailroom.delivery.signing.OutboundSigner;
import org.mailroom.delivery.tls.MtaStsPolicies;
import org.mailroom.delivery.tls.PolicyFetcher;
import org.mailroom.delivery.tls.TlsReportSender;
import org.mailroom.delivery.tls.TlsReports;
import org.mailroom.delivery.tls.TransportSecurity;
import org.mailroom.delivery.tls.TrustAnchors;
import org.mailroom.mailauth.arc.ArcSealer;
import org.mailroom.mailauth.dkim.DkimSigner;
import org.mailroom.protocol.EventLoops;
import org.mailroom.protocol.smtp.client.SmtpClient;
import org.mailroom.server.config.Config;
import org.mailroom.server.config.HostPort;
import org.mailroom.server.config.OutboundSection;
import org.mailroom.server.config.SieveSection;
import org.mailroom.sieve.SieveCompiler;
import org.mailroom.storage.Storage;

/**
 * Where accepted mail goes: the router to local mailboxes (with Sieve and SRS) or to the outbound queue, and the
 * queue's runner with DNS, MX resolution, the SMTP client, signing and transport security (issue 5).
 */
final class Delivery implements AutoCloseable {

    private final Config config;
    private final Storage storage;
    private final EventLoops loops;
    private final Clock clock;
    private final LocalDelivery local;
    private final QueueDelivery queued;
    private final Router router;
    private DnsjavaResolver dns;
    private RemoteDelivery remote;
    private Bounces bounces;
    private QueueRunner queueRunner;
    private TlsReportSender tlsReportSender;

    /** The router and local delivery, which start nothing: the listeners take mail into them before {@link #start}. */
    Delivery(Config config, Storage storage, EventLoops loops, Clock clock) {
        this.config = config;
        this.storage = storage;
        this.loops = loops;
        this.clock = clock;
        // Each account's own limit from the directory (./mailroom user quota), else limits.mailbox_quota.
        Quota quota = new Quota(storage.mailStore(), storage.directory(), config.limits().mailboxQuota());
        local = new LocalDelivery(storage.mailStore(), storage.mailQueue(), storage.directory(), quota);
        queued = new QueueDelivery(storage.mailQueue());
        router = new Router(storage.directory(), local, queued, quota);
    }

    /** Outbound: DNS, MX resolution, the SMTP client and the runner that works the queue (issue 5). */
    void start(DnsjavaResolver dns) throws IOException {
        this.dns = dns;
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
        if (relay.isEmpty()) remote.secureTransportWith(transportSecurity());
        bounces = new Bounces(router, storage.blobStore(), hostname, clock);
        local.sendSuccessNoticesWith(bounces);
        startSieve();
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
     * Sieve at local delivery (issue 15) and SRS: forwarded copies (redirects, aliases to other hosts) leave with
     * an SRS reverse path, and the router takes the bounces to those addresses back to the original senders.
     */
    private void startSieve() throws IOException {
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
     * MTA-STS, DANE and TLS-RPT for outbound mail. The policy cache and the report counts are files in the data
     * directory: per node with PostgreSQL, which costs a node one policy fetch per domain and no correctness.
     */
    private TransportSecurity transportSecurity() throws IOException {
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

    /** A reload's part: the signing keys and the queue's retry schedule and limits, for the messages sent next. */
    void reconfigure(Config next) {
        if (remote != null) remote.signWith(outboundSigner(next));
        if (queueRunner != null) queueRunner.reconfigure(queueSettings(next));
    }

    Router router() {
        return router;
    }

    /** The bounces and delivery notices; null before {@link #start}. */
    Bounces bounces() {
        return bounces;
    }

    /** The outbound queue's runner; null before {@link #start}. */
    QueueRunner queueRunner() {
        return queueRunner;
    }

    /** Null before {@link #start} and when {@code outbound.tls_reports} is off. */
    TlsReportSender tlsReportSender() {
        return tlsReportSender;
    }

    @Override
    public void close() {
        if (queueRunner != null) queueRunner.close();
        if (tlsReportSender != null) tlsReportSender.close();
    }
}
