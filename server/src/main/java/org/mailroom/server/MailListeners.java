package org.mailroom.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.mailroom.core.auth.Authenticator;
import org.mailroom.core.auth.LoginGuard;
import org.mailroom.core.auth.SaslMechanisms;
import org.mailroom.core.delivery.Router;
import org.mailroom.core.dns.DnsResolver;
import org.mailroom.core.inbound.SenderOwnership;
import org.mailroom.core.store.Quota;
import org.mailroom.protocol.EventLoops;
import org.mailroom.protocol.imap.ImapServer;
import org.mailroom.protocol.imap.ImapSettings;
import org.mailroom.protocol.imap.StoredMessageStructure;
import org.mailroom.protocol.managesieve.ManageSieveServer;
import org.mailroom.protocol.managesieve.ScriptCompiler;
import org.mailroom.protocol.pop3.Pop3Server;
import org.mailroom.protocol.pop3.Pop3Settings;
import org.mailroom.protocol.smtp.SmtpAuth;
import org.mailroom.protocol.smtp.SmtpServer;
import org.mailroom.protocol.smtp.SmtpSettings;
import org.mailroom.protocol.tls.TlsContext;
import org.mailroom.server.autoconfig.MailEndpoints;
import org.mailroom.server.config.Config;
import org.mailroom.server.http.AutoconfigHttpServer;
import org.mailroom.sieve.SieveCompiler;
import org.mailroom.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners mail clients and servers talk to (SMTP, submission, POP3, IMAP, ManageSieve) and client
 * autoconfiguration: started in order, reconfigured by a reload, stopped gracefully.
 */
final class MailListeners implements AutoCloseable {

    // The server's log lines keep the one logger name operators filter on.
    private static final Logger log = LoggerFactory.getLogger(Server.class);

    private final Config config;
    private final Storage storage;
    private final EventLoops loops;
    private final Router router;
    private final Clock clock;
    private final ListenerSettings settings;
    /** The listeners started, by name, in start order; written only while the server starts. */
    private final Map<String, AutoCloseable> started = new LinkedHashMap<>();
    private final Map<String, InetSocketAddress> bound = new LinkedHashMap<>();
    private TlsContext tls;
    private SaslMechanisms mechanisms;
    private LoginGuard guard;

    MailListeners(Config config, Storage storage, EventLoops loops, Router router, Clock clock, DnsResolver dns) {
        this.config = config;
        this.storage = storage;
        this.loops = loops;
        this.router = router;
        this.clock = clock;
        this.settings = new ListenerSettings(config, dns, clock);
    }

    /** Starts one listener when its address is configured; its key is {@code listen.NAME}. */
    private <L extends AutoCloseable> void listen(String name, Optional<InetSocketAddress> address, Supplier<L> create,
            Starter<L> starter) throws IOException {
        if (address.isEmpty()) return;
        L listener = create.get();
        started.put(name, listener);
        bound.put(name, PortBinding.bind("listen." + name, address.get(), () -> starter.start(listener, address.get())));
    }

    private interface Starter<L> {
        InetSocketAddress start(L listener, InetSocketAddress address) throws IOException;
    }

    void start() throws IOException {
        tls = settings.tlsContext();
        // One authenticator (with its login cache) and one guard for every protocol: a password guesser is
        // slowed down across SMTP, POP3 and IMAP alike.
        mechanisms = new SaslMechanisms(new Authenticator(storage.directory(), clock));
        guard = new LoginGuard(ListenerSettings.guard(config), clock);
        listen("smtp", config.listen().smtpAddress(), () -> new SmtpServer(settings.smtp(config, false), router,
                storage.blobStore(), loops, clock, tls, false, null, settings.inboundChecks(config)), SmtpServer::start);
        // Submission (RFC 6409): the same SMTP server with AUTH required, and relaying allowed once authenticated.
        SmtpAuth auth = smtpAuth(config);
        SmtpSettings submission = settings.smtp(config, true);
        listen("submission", config.listen().submissionAddress(),
                () -> new SmtpServer(submission, router, storage.blobStore(), loops, clock, tls, false, auth), SmtpServer::start);
        listen("submissions", config.listen().submissionsAddress(),
                () -> new SmtpServer(submission, router, storage.blobStore(), loops, clock, tls, true, auth), SmtpServer::start);
        // POP3 on 110 with STLS and on 995 with implicit TLS (RFC 8314); passwords in the clear only under TLS
        // or from loopback.
        Pop3Settings pop3Settings = settings.pop3(config);
        listen("pop3", config.listen().pop3Address(), () -> pop3(pop3Settings, false), Pop3Server::start);
        listen("pop3s", config.listen().pop3sAddress(), () -> pop3(pop3Settings, true), Pop3Server::start);
        // IMAP on 143 with STARTTLS and on 993 with implicit TLS (RFC 8314); the same password policy as POP3.
        ImapSettings imapSettings = settings.imap(config);
        StoredMessageStructure structure = new StoredMessageStructure(storage.mailStore(), storage.blobStore());
        Quota quota = new Quota(storage.mailStore(), storage.directory(), config.limits().mailboxQuota()); // stateless
        listen("imap", config.listen().imapAddress(), () -> imap(imapSettings, structure, quota, false), ImapServer::start);
        listen("imaps", config.listen().imapsAddress(), () -> imap(imapSettings, structure, quota, true), ImapServer::start);
        // ManageSieve on 4190 with STARTTLS (RFC 5804): the users' Sieve scripts, compiled before they are stored.
        listen("managesieve", config.listen().managesieveAddress(),
                () -> new ManageSieveServer(settings.manageSieve(), storage.sieveScripts(),
                        ScriptCompiler.of(new SieveCompiler()), mechanisms, guard, tls, loops.boss(), loops.workers(),
                        loops.blocking()), ManageSieveServer::start);
    }

    private Pop3Server pop3(Pop3Settings pop3Settings, boolean implicitTls) {
        return new Pop3Server(pop3Settings, storage.mailStore(), storage.blobStore(), mechanisms, guard,
                tls, implicitTls, loops.boss(), loops.workers(), loops.blocking());
    }

    private ImapServer imap(ImapSettings imapSettings, StoredMessageStructure structure, Quota quota,
            boolean implicitTls) {
        return new ImapServer(imapSettings, storage.mailStore(), storage.blobStore(), structure,
                mechanisms, guard, tls, implicitTls, loops.boss(), loops.workers(), loops.blocking(), quota);
    }

    private SmtpAuth smtpAuth(Config c) {
        return new SmtpAuth(mechanisms, guard, new SenderOwnership(storage.directory()),
                c.smtp().submissionPlaintextAuth(), c.smtp().submissionHideClient());
    }

    /**
     * Client autoconfiguration (issue 14 point 6): Thunderbird, Autodiscover and Apple profiles, telling clients the
     * ports bound above. HTTPS with the server certificate unless {@code autoconfig.tls} is off.
     */
    void startAutoconfig() throws IOException {
        Optional<InetSocketAddress> address = config.listen().autoconfigAddress();
        if (address.isEmpty()) return;
        MailEndpoints endpoints = MailEndpoints.of(config.autoconfig().hostnameOr(config.server().hostname()), bound);
        TlsContext autoconfigTls = config.autoconfig().tls() ? settings.tlsContext() : null;
        listen("autoconfig", address, () -> new AutoconfigHttpServer(loops, autoconfigTls, storage.directory(), endpoints),
                AutoconfigHttpServer::start);
    }

    /** The listeners' certificate, which a reload renews. */
    TlsContext tls() {
        return tls;
    }

    /** The address each listener is bound to, by name, in start order. */
    Map<String, InetSocketAddress> addresses() {
        return bound;
    }

    /** The names of the listeners that stopped accepting. */
    List<String> notListening() {
        List<String> down = new ArrayList<>();
        started.forEach((name, l) -> {
            boolean up = l instanceof SmtpServer ? ((SmtpServer) l).listening()
                    : l instanceof ImapServer ? ((ImapServer) l).listening()
                    : l instanceof Pop3Server ? ((Pop3Server) l).listening()
                    : l instanceof ManageSieveServer ? ((ManageSieveServer) l).listening()
                    : l instanceof AutoconfigHttpServer ? ((AutoconfigHttpServer) l).listening() : true;
            if (!up) down.add(name);
        });
        return down;
    }

    /**
     * Reads the certificate again (a renewed one), from the files {@code next} names when they changed since
     * {@code applied}; first in a reload, so that a certificate that does not load leaves everything as it was.
     */
    void renewCertificate(Config applied, Config next) throws IOException {
        if (tls == null) return;
        if (!next.tls().equals(applied.tls())) {
            settings.useCertificate(tls, next);
        } else {
            tls.reload();
        }
    }

    /** The live keys of {@code next} for the logins, connections and messages that start from now on. */
    void reconfigure(Config next) {
        if (guard != null) guard.reconfigure(ListenerSettings.guard(next));
        for (AutoCloseable l : started.values()) {
            if (l instanceof SmtpServer) {
                SmtpServer smtp = (SmtpServer) l;
                boolean submission = smtp.requiresAuth();
                smtp.reconfigure(settings.smtp(next, submission), submission ? smtpAuth(next) : null,
                        submission ? null : settings.inboundChecks(next));
            } else if (l instanceof ImapServer) {
                ((ImapServer) l).reconfigure(settings.imap(next));
            } else if (l instanceof Pop3Server) {
                ((Pop3Server) l).reconfigure(settings.pop3(next));
            }
        }
    }

    /**
     * The graceful stop's first part: the SMTP listeners stop taking mail at once (421 4.3.2 to new and idle
     * sessions), IMAP, POP3 and ManageSieve refuse new sessions and end the others between two commands, and SMTP
     * transactions in flight get up to {@code grace} to finish.
     */
    void stopAccepting(Duration grace) {
        List<SmtpServer> smtp = new ArrayList<>();
        for (AutoCloseable l : started.values()) if (l instanceof SmtpServer) smtp.add((SmtpServer) l);
        log.info("mailroom stopping: finishing transactions in flight (at most {})", show(grace));
        smtp.forEach(SmtpServer::stopAccepting);
        for (AutoCloseable l : started.values()) {
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
    }

    /** "30s", "1m30s": as the configuration writes durations. */
    private static String show(Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public void close() {
        for (AutoCloseable listener : started.values()) {
            try {
                listener.close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", listener, e.toString());
            }
        }
    }
}
