package org.mailroom.protocol.pop3;

import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.time.Clock;
import java.util.Objects;
import org.mailroom.core.auth.Authenticator;
import org.mailroom.core.auth.LoginGuard;
import org.mailroom.core.auth.SaslMechanisms;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.MailStore;
import org.mailroom.protocol.EventLoops;
import org.mailroom.protocol.ProtocolListener;
import org.mailroom.protocol.SessionThreads;
import org.mailroom.protocol.tls.TlsContext;

/**
 * A POP3 listener. Example: {@code try (Pop3Server pop3 = new Pop3Server(settings, store, blobs, directory)) {
 * InetSocketAddress bound = pop3.start(new InetSocketAddress("127.0.0.1", 0)); ... }}
 *
 * <p>Pipeline per connection: idle timer → {@link Pop3Decoder} → {@link Pop3Encoder} → {@link Pop3Session}, the
 * session offloaded to the session pool so that store reads and password hashing never stall the event loop.
 */
public final class Pop3Server extends ProtocolListener {

    private static final Pop3Encoder ENCODER = new Pop3Encoder();

    /** Replaced by a configuration reload (SIGHUP) for the connections that come next; read once per connection. */
    private volatile Pop3Settings settings;
    private final MailStore store;
    private final BlobStore blobs;
    private final SaslMechanisms sasl;
    private final LoginGuard guard;
    /** The groups this server made for itself and shuts down with it; null on shared groups. */
    private final EventLoops ownGroups;
    private final TlsContext tls;

    /**
     * A server with event loops and a session pool of its own, shut down by {@link #close()}, and logins
     * checked against {@code directory} with a guard of its own. Prefer the constructors that take the shared
     * {@link SaslMechanisms} and {@link LoginGuard}, so that all protocols share one cache and one guard.
     */
    public Pop3Server(Pop3Settings settings, MailStore store, BlobStore blobs, Directory directory) {
        this(settings, store, blobs, defaultSasl(directory), defaultGuard(settings));
    }

    /** A server on shared groups with logins checked against {@code directory} and a guard of its own. */
    public Pop3Server(Pop3Settings settings, MailStore store, BlobStore blobs, Directory directory,
                      EventLoopGroup boss, EventLoopGroup workers, SessionThreads blocking) {
        this(settings, store, blobs, defaultSasl(directory), defaultGuard(settings), null, false, boss, workers,
                blocking, null);
    }

    /** A server with groups of its own and the shared authentication. */
    public Pop3Server(Pop3Settings settings, MailStore store, BlobStore blobs, SaslMechanisms sasl, LoginGuard guard) {
        this(settings, store, blobs, sasl, guard, EventLoops.forThisMachine());
    }

    private Pop3Server(Pop3Settings settings, MailStore store, BlobStore blobs, SaslMechanisms sasl, LoginGuard guard,
                       EventLoops own) {
        this(settings, store, blobs, sasl, guard, null, false, own.boss(), own.workers(), own.blocking(), own);
    }

    /**
     * The full form: groups shared with other listeners ({@link #close()} leaves them running; the event loop
     * groups must be NIO, {@code blocking} runs the sessions) and the SASL mechanisms and login guard shared by
     * all protocols. The guard's {@code maxFailuresPerConnection} is the one that closes connections.
     */
    public Pop3Server(Pop3Settings settings, MailStore store, BlobStore blobs, SaslMechanisms sasl, LoginGuard guard,
                      EventLoopGroup boss, EventLoopGroup workers, SessionThreads blocking) {
        this(settings, store, blobs, sasl, guard, null, false, boss, workers, blocking, null);
    }

    /**
     * With TLS: STLS offered (RFC 2595), or, with {@code implicitTls}, TLS from the first byte (port 995,
     * RFC 8314).
     */
    public Pop3Server(Pop3Settings settings, MailStore store, BlobStore blobs, SaslMechanisms sasl, LoginGuard guard,
                      TlsContext tls, boolean implicitTls, EventLoopGroup boss, EventLoopGroup workers,
                      SessionThreads blocking) {
        this(settings, store, blobs, sasl, guard, Objects.requireNonNull(tls, "tls"), implicitTls, boss, workers,
                blocking, null);
    }

    private Pop3Server(Pop3Settings settings, MailStore store, BlobStore blobs, SaslMechanisms sasl, LoginGuard guard,
                       TlsContext tls, boolean implicitTls, EventLoopGroup boss, EventLoopGroup workers,
                       SessionThreads blocking, EventLoops ownGroups) {
        super("POP3", boss, workers, blocking, implicitTls ? tls : null);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.store = Objects.requireNonNull(store, "store");
        this.blobs = Objects.requireNonNull(blobs, "blobs");
        this.sasl = Objects.requireNonNull(sasl, "sasl");
        this.guard = Objects.requireNonNull(guard, "guard");
        this.tls = tls;
        this.ownGroups = ownGroups;
    }

    private static SaslMechanisms defaultSasl(Directory directory) {
        return new SaslMechanisms(new Authenticator(Objects.requireNonNull(directory, "directory"), Clock.systemUTC()));
    }

    private static LoginGuard defaultGuard(Pop3Settings settings) {
        return new LoginGuard(LoginGuard.Settings.defaults(settings.maxAuthFailures()), Clock.systemUTC());
    }

    @Override
    protected ChannelInboundHandler open(SocketChannel channel) {
        Pop3Settings settings = this.settings;
        if (turnedAway(channel, settings.maxConnections(),
                "-ERR [SYS/TEMP] too many connections", "-ERR [SYS/TEMP] server shutting down")) {
            return null;
        }
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast("idle", idleTimer(settings.idleTimeout()));
        pipeline.addLast("decoder", new Pop3Decoder(settings.maxLineLength()));
        pipeline.addLast("encoder", ENCODER);
        return new Pop3Session(settings, store, blobs, sasl, guard, tls);
    }

    /** New settings for the connections accepted from now on (a configuration reload); open sessions keep theirs. */
    public void reconfigure(Pop3Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Stops listening and closes every connection. A session closed this way did not say QUIT, so it deletes
     * nothing (RFC 1939 section 6) and releases its maildrop lock. Owned groups are shut down; shared ones not.
     */
    @Override
    public synchronized void close() {
        super.close();
        if (ownGroups != null) ownGroups.close();
    }
}
