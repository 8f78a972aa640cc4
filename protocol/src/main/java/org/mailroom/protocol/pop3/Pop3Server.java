package org.mailroom.protocol.pop3;

import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.mailroom.core.auth.Authenticator;
import org.mailroom.core.auth.LoginGuard;
import org.mailroom.core.auth.SaslMechanisms;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.MailStore;
import org.mailroom.protocol.ConnectionCap;
import org.mailroom.protocol.Listener;
import org.mailroom.protocol.SessionThreads;
import org.mailroom.protocol.tls.StartTls;
import org.mailroom.protocol.tls.TlsContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A POP3 listener. Example: {@code try (Pop3Server pop3 = new Pop3Server(settings, store, blobs, directory)) {
 * InetSocketAddress bound = pop3.start(new InetSocketAddress("127.0.0.1", 0)); ... }}
 *
 * <p>Pipeline per connection: idle timer → {@link Pop3Decoder} → {@link Pop3Encoder} → {@link Pop3Session}, the
 * session offloaded to the session pool so that store reads and password hashing never stall the event loop.
 */
public final class Pop3Server implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Pop3Server.class);
    private static final Pop3Encoder ENCODER = new Pop3Encoder();
    /** Threads for store calls and logins when this server owns its groups. */
    private static final int BLOCKING_THREADS = 16;

    /** Replaced by a configuration reload (SIGHUP) for the connections that come next; read once per connection. */
    private volatile Pop3Settings settings;
    private final MailStore store;
    private final BlobStore blobs;
    private final SaslMechanisms sasl;
    private final LoginGuard guard;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final SessionThreads blocking;
    private final boolean ownsGroups;
    private final Listener listener = new Listener("POP3");
    /** Set by {@link #stopAccepting()}. */
    private volatile boolean stopping;
    private final ConnectionCap cap = new ConnectionCap();
    private TlsContext tls;
    private boolean implicitTls;

    /**
     * A server with event loops and a blocking executor of its own, shut down by {@link #close()}, and logins
     * checked against {@code directory} with a guard of its own. Prefer the constructors that take the shared
     * {@link SaslMechanisms} and {@link LoginGuard}, so that all protocols share one cache and one guard.
     */
    public Pop3Server(Pop3Settings settings, MailStore store, BlobStore blobs, Directory directory) {
        this(settings, store, blobs, defaultSasl(directory), defaultGuard(settings));
    }

    /** A server on shared groups with logins checked against {@code directory} and a guard of its own. */
    public Pop3Server(Pop3Settings settings, MailStore store, BlobStore blobs, Directory directory,
                      EventLoopGroup boss, EventLoopGroup workers, SessionThreads blocking) {
        this(settings, store, blobs, defaultSasl(directory), defaultGuard(settings), boss, workers, blocking, false);
    }

    /** A server with groups of its own and the shared authentication. */
    public Pop3Server(Pop3Settings settings, MailStore store, BlobStore blobs, SaslMechanisms sasl, LoginGuard guard) {
        this(settings, store, blobs, sasl, guard, new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory()),
                new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory()), new SessionThreads(BLOCKING_THREADS),
                true);
    }

    /**
     * The full form: groups shared with other listeners ({@link #close()} leaves them running; the event loop
     * groups must be NIO, {@code blocking} runs the sessions) and the SASL mechanisms and login guard shared by
     * all protocols. The guard's {@code maxFailuresPerConnection} is the one that closes connections.
     */
    public Pop3Server(Pop3Settings settings, MailStore store, BlobStore blobs, SaslMechanisms sasl, LoginGuard guard,
                      EventLoopGroup boss, EventLoopGroup workers, SessionThreads blocking) {
        this(settings, store, blobs, sasl, guard, boss, workers, blocking, false);
    }

    /**
     * With TLS: STLS offered (RFC 2595), or, with {@code implicitTls}, TLS from the first byte (port 995,
     * RFC 8314).
     */
    public Pop3Server(Pop3Settings settings, MailStore store, BlobStore blobs, SaslMechanisms sasl, LoginGuard guard,
                      TlsContext tls, boolean implicitTls, EventLoopGroup boss, EventLoopGroup workers,
                      SessionThreads blocking) {
        this(settings, store, blobs, sasl, guard, boss, workers, blocking, false);
        this.tls = Objects.requireNonNull(tls, "tls");
        this.implicitTls = implicitTls;
    }

    private Pop3Server(Pop3Settings settings, MailStore store, BlobStore blobs, SaslMechanisms sasl, LoginGuard guard,
                       EventLoopGroup boss, EventLoopGroup workers, SessionThreads blocking, boolean ownsGroups) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.store = Objects.requireNonNull(store, "store");
        this.blobs = Objects.requireNonNull(blobs, "blobs");
        this.sasl = Objects.requireNonNull(sasl, "sasl");
        this.guard = Objects.requireNonNull(guard, "guard");
        this.boss = Objects.requireNonNull(boss, "boss");
        this.workers = Objects.requireNonNull(workers, "workers");
        this.blocking = Objects.requireNonNull(blocking, "blocking");
        this.ownsGroups = ownsGroups;
    }

    private static SaslMechanisms defaultSasl(Directory directory) {
        return new SaslMechanisms(new Authenticator(Objects.requireNonNull(directory, "directory"), Clock.systemUTC()));
    }

    private static LoginGuard defaultGuard(Pop3Settings settings) {
        return new LoginGuard(LoginGuard.Settings.defaults(settings.maxAuthFailures()), Clock.systemUTC());
    }

    /** Listens on the address (port 0 picks a free port) and returns the address actually bound. */
    public InetSocketAddress start(InetSocketAddress address) throws IOException {
        InetSocketAddress bound = listener.start(boss, workers, address, this::initConnection);
        LOG.info("POP3 listening on {}", bound);
        return bound;
    }

    private void initConnection(SocketChannel channel) {
        Pop3Settings settings = this.settings;
        boolean overCap = cap.overCap(channel, settings.maxConnections());
        ChannelPipeline pipeline = channel.pipeline();
        if (implicitTls) pipeline.addLast(StartTls.HANDLER_NAME, tls.newHandler(channel.alloc()));
        if (stopping || overCap) {
            pipeline.addLast("refuse", ConnectionCap.refusal(stopping
                    ? "-ERR [SYS/TEMP] server shutting down" : "-ERR [SYS/TEMP] too many connections"));
            return;
        }
        // observeOutput: a client slowly reading a long RETR is not idle.
        pipeline.addLast("idle", new IdleStateHandler(true, 0, 0,
                settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        pipeline.addLast("decoder", new Pop3Decoder(settings.maxLineLength()));
        pipeline.addLast("encoder", ENCODER);
        pipeline.addLast("session", blocking.offload(channel, new Pop3Session(settings, store, blobs, sasl, guard, tls)));
    }

    /** New settings for the connections accepted from now on (a configuration reload); open sessions keep theirs. */
    public void reconfigure(Pop3Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Whether this listener is bound and accepting (readiness). */
    public boolean listening() {
        return listener.listening();
    }

    /**
     * The first step of a graceful stop: new connections are turned away with one line, and each session ends
     * with the same line between two commands ({@link Listener#STOPPING}). {@link #close()} ends the rest.
     */
    public void stopAccepting() {
        stopping = true;
        listener.signalStopping();
    }

    /**
     * Stops listening and closes every connection. A session closed this way did not say QUIT, so it deletes
     * nothing (RFC 1939 section 6) and releases its maildrop lock. Owned groups are shut down; shared ones not.
     */
    @Override
    public synchronized void close() {
        listener.close();
        if (ownsGroups) {
            // The loops first: they hand the closed sessions' last events to the pool, which then runs them out.
            boss.shutdownGracefully(0, 5, TimeUnit.SECONDS);
            workers.shutdownGracefully(100, 5000, TimeUnit.MILLISECONDS);
            boss.terminationFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
            workers.terminationFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
            blocking.close();
        }
    }
}
