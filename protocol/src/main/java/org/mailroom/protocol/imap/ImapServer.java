package org.mailroom.protocol.imap;

import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.mailroom.core.auth.LoginGuard;
import org.mailroom.core.auth.SaslMechanisms;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.Quota;
import org.mailroom.protocol.ConnectionCap;
import org.mailroom.protocol.Listener;
import org.mailroom.protocol.SessionThreads;
import org.mailroom.protocol.tls.StartTls;
import org.mailroom.protocol.tls.TlsContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An IMAP listener on shared event loops. Example: {@code new ImapServer(settings, store, blobs, structure, sasl,
 * guard, tls, false, boss, workers, blocking).start(address)}: port 143 with STARTTLS; with {@code implicitTls}
 * port 993 (RFC 8314).
 *
 * <p>Pipeline per connection: (TLS on 993) → idle timer → {@link ImapDecoder} → {@link ImapSession}, the session
 * offloaded to the session pool so that store reads and password hashing never stall the event loop. The session
 * writes bytes itself (responses hold literals), so there is no encoder.
 */
public final class ImapServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ImapServer.class);

    /** One budget for every IMAP listener of this JVM (143 and 993 share the heap). */
    private static final LiteralBudget literals = LiteralBudget.ofHeap();

    /** Replaced by a configuration reload (SIGHUP) for the connections that come next; read once per connection. */
    private volatile ImapSettings settings;
    private final MailStore store;
    private final BlobStore blobs;
    private final MessageStructureSource structure;
    private final SaslMechanisms sasl;
    private final LoginGuard guard;
    private final TlsContext tls;
    private final boolean implicitTls;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final SessionThreads blocking;
    private final Listener listener = new Listener("IMAP");
    /** Set by {@link #stopAccepting()}. */
    private volatile boolean stopping;
    private final ConnectionCap cap = new ConnectionCap();
    private final Quota quota;

    /**
     * @param sasl        the mechanisms shared by all protocols (LOGIN uses its authenticator too)
     * @param guard       the login guard shared by all protocols; its limit closes connections
     * @param tls         the server's TLS, offered with STARTTLS; null for none (then no implicit TLS either)
     * @param implicitTls TLS from the first byte (port 993)
     */
    public ImapServer(ImapSettings settings, MailStore store, BlobStore blobs, MessageStructureSource structure,
                      SaslMechanisms sasl, LoginGuard guard, TlsContext tls, boolean implicitTls,
                      EventLoopGroup boss, EventLoopGroup workers, SessionThreads blocking) {
        this(settings, store, blobs, structure, sasl, guard, tls, implicitTls, boss, workers, blocking,
                new Quota(store, settings.mailboxQuota()));
    }

    /** As above, with each account's storage limit (its own from the directory, else the default). */
    public ImapServer(ImapSettings settings, MailStore store, BlobStore blobs, MessageStructureSource structure,
                      SaslMechanisms sasl, LoginGuard guard, TlsContext tls, boolean implicitTls,
                      EventLoopGroup boss, EventLoopGroup workers, SessionThreads blocking, Quota quota) {
        this.quota = Objects.requireNonNull(quota, "quota");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.store = Objects.requireNonNull(store, "store");
        this.blobs = Objects.requireNonNull(blobs, "blobs");
        this.structure = Objects.requireNonNull(structure, "structure");
        this.sasl = Objects.requireNonNull(sasl, "sasl");
        this.guard = Objects.requireNonNull(guard, "guard");
        if (implicitTls && tls == null) throw new IllegalArgumentException("implicit TLS needs a TlsContext");
        this.tls = tls;
        this.implicitTls = implicitTls;
        this.boss = Objects.requireNonNull(boss, "boss");
        this.workers = Objects.requireNonNull(workers, "workers");
        this.blocking = Objects.requireNonNull(blocking, "blocking");
    }

    /** Listens on the address (port 0 picks a free port) and returns the address actually bound. */
    public InetSocketAddress start(InetSocketAddress address) throws IOException {
        InetSocketAddress bound = listener.start(boss, workers, address, this::initConnection);
        LOG.info("IMAP listening on {}", bound);
        return bound;
    }

    private void initConnection(SocketChannel channel) {
        ImapSettings settings = this.settings;
        boolean overCap = cap.overCap(channel, settings.maxConnections());
        ChannelPipeline pipeline = channel.pipeline();
        if (implicitTls) pipeline.addLast(StartTls.HANDLER_NAME, tls.newHandler(channel.alloc()));
        if (stopping || overCap) {
            pipeline.addLast("refuse", ConnectionCap.refusal(stopping
                    ? "* BYE [UNAVAILABLE] Server shutting down" : "* BYE [UNAVAILABLE] Too many connections"));
            return;
        }
        // observeOutput: a client slowly reading a long FETCH is not idle.
        pipeline.addLast("idle", new IdleStateHandler(true, 0, 0, settings.idleTimeout().toMillis(),
                TimeUnit.MILLISECONDS));
        pipeline.addLast("decoder", new ImapDecoder(settings.maxLineLength(), settings.maxLiteralSize(), literals));
        pipeline.addLast("session", blocking.offload(channel, new ImapSession(settings, store, blobs, structure, sasl,
                guard, tls, quota)));
    }

    /** New settings for the connections accepted from now on (a configuration reload); open sessions keep theirs. */
    public void reconfigure(ImapSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Whether this listener is bound and accepting (readiness). */
    public boolean listening() {
        return listener.listening();
    }

    /** Stops listening and closes every connection; the shared groups keep running. */
    @Override
    public void close() {
        listener.close();
    }

    /**
     * The first step of a graceful stop: new connections are turned away with one line, and each session ends
     * with the same line between two commands ({@link Listener#STOPPING}). {@link #close()} ends the rest.
     */
    public void stopAccepting() {
        stopping = true;
        listener.signalStopping();
    }
}
