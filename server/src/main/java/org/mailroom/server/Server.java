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
import org.mailroom.core.delivery.Router;
import org.mailroom.delivery.LocalDelivery;
import org.mailroom.delivery.QueueDelivery;
import org.mailroom.protocol.EventLoops;
import org.mailroom.protocol.imap.ImapServer;
import org.mailroom.protocol.imap.ImapSettings;
import org.mailroom.protocol.imap.SimpleMessageStructure;
import org.mailroom.protocol.pop3.Pop3Server;
import org.mailroom.protocol.pop3.Pop3Settings;
import org.mailroom.protocol.smtp.SmtpServer;
import org.mailroom.protocol.smtp.SmtpSettings;
import org.mailroom.server.config.Config;
import org.mailroom.server.config.LimitsSection;
import org.mailroom.storage.embedded.EmbeddedStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole server, wired by hand in dependency order: configuration, storage, delivery, listeners.
 * Everything Mailroom runs is created here; read this file to see how the parts connect.
 */
public final class Server implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Server.class);

    private final Config config;
    private final EmbeddedStorage storage;
    private final EventLoops loops;
    private final Router router;
    private final List<AutoCloseable> listeners = new ArrayList<>();
    private final Map<String, InetSocketAddress> bound = new LinkedHashMap<>();

    private Server(Config config, EmbeddedStorage storage, EventLoops loops, Router router) {
        this.config = config;
        this.storage = storage;
        this.loops = loops;
        this.router = router;
    }

    /** Opens the store and starts every configured listener; on any failure nothing is left running. */
    public static Server start(Config config) throws IOException {
        if (!config.store().isEmbedded()) {
            throw new IOException("store.backend = \"" + config.store().backend()
                    + "\" is not available yet; use \"embedded\"");
        }
        Clock clock = Clock.systemUTC();
        EmbeddedStorage storage = EmbeddedStorage.open(config.server().dataDir());
        EventLoops loops = EventLoops.forThisMachine();
        LocalDelivery local = new LocalDelivery(storage.mailStore(), storage.mailQueue(), storage.directory());
        Router router = new Router(storage.directory(), local, new QueueDelivery(storage.mailQueue()));
        Server server = new Server(config, storage, loops, router);
        try {
            server.startListeners(clock);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        config.warnings().forEach(w -> log.warn("{}", w));
        log.info("mailroom started: hostname={} data={} {}", config.server().hostname(),
                config.server().dataDir().toAbsolutePath(), server.bound);
        return server;
    }

    private void startListeners(Clock clock) throws IOException {
        String hostname = config.server().hostname();
        LimitsSection limits = config.limits();
        Optional<InetSocketAddress> smtp = config.listen().smtpAddress();
        if (smtp.isPresent()) {
            SmtpSettings settings = new SmtpSettings(hostname, limits.messageSize(), limits.recipients(),
                    limits.commandLine(), limits.textLine(), limits.commandTimeout(), limits.sessionTimeout(),
                    limits.errors(), limits.connections(), limits.connectionsPerIp(), limits.hopCount(), false);
            SmtpServer server = new SmtpServer(settings, router, storage.blobStore(), loops, clock);
            listeners.add(server);
            bound.put("smtp", bind("listen.smtp", smtp.get(), () -> server.start(smtp.get())));
        }
        Optional<InetSocketAddress> pop3 = config.listen().pop3Address();
        if (pop3.isPresent()) {
            Pop3Settings settings = new Pop3Settings(hostname, limits.pop3IdleTimeout(),
                    Pop3Settings.DEFAULT_MAX_LINE_LENGTH, limits.authFailures(), limits.connections(), true);
            Pop3Server server = new Pop3Server(settings, storage.mailStore(), storage.blobStore(),
                    storage.directory(), loops.boss(), loops.workers(), loops.blocking());
            listeners.add(server);
            bound.put("pop3", bind("listen.pop3", pop3.get(), () -> server.start(pop3.get())));
        }
        Optional<InetSocketAddress> imap = config.listen().imapAddress();
        if (imap.isPresent()) {
            // No STARTTLS yet, so LOGIN works in the clear (as POP3 does today).
            ImapSettings settings = new ImapSettings(hostname, limits.imapIdleTimeout(),
                    ImapSettings.DEFAULT_MAX_LINE_LENGTH, limits.messageSize(), limits.authFailures(),
                    limits.connections(), true);
            ImapServer server = new ImapServer(settings, storage.mailStore(), storage.blobStore(),
                    new SimpleMessageStructure(storage.blobStore()), storage.directory()::authenticate,
                    loops.boss(), loops.workers(), loops.blocking());
            listeners.add(server);
            bound.put("imap", bind("listen.imap", imap.get(), () -> server.start(imap.get())));
        }
        for (String later : List.of("submission", "submissions", "imaps", "pop3s")) {
            log.debug("listen.{}: not implemented yet, not listening", later);
        }
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

    public EmbeddedStorage storage() {
        return storage;
    }

    public Router router() {
        return router;
    }

    @Override
    public void close() {
        for (AutoCloseable listener : listeners) {
            try {
                listener.close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", listener, e.toString());
            }
        }
        loops.close();
        storage.close();
        log.info("mailroom stopped");
    }
}
