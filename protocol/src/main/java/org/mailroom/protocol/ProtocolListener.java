package org.mailroom.protocol;

import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.mailroom.protocol.tls.StartTls;
import org.mailroom.protocol.tls.TlsContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every mail protocol's server (SMTP, POP3, IMAP, ManageSieve) shares: the listening socket on the shared
 * event loops ({@link Listener}), TLS from the first byte where the port wants it, the count of open connections
 * against a cap, the graceful stop, and each connection's session offloaded to the session pool
 * ({@link SessionThreads}). A server only says how the rest of its connections' pipelines looks ({@link #open}).
 */
public abstract class ProtocolListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProtocolListener.class);

    private final String protocol;
    private final Listener listener;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final SessionThreads sessions;
    private final TlsContext implicitTls;
    private final ConnectionCap cap = new ConnectionCap();
    private volatile boolean stopping;

    /**
     * @param protocol    for messages: "SMTP", "POP3", "IMAP", "ManageSieve"
     * @param implicitTls TLS from the first byte (ports 465, 993, 995; RFC 8314), or null for none
     */
    protected ProtocolListener(String protocol, EventLoopGroup boss, EventLoopGroup workers, SessionThreads sessions,
                               TlsContext implicitTls) {
        this.protocol = protocol;
        this.listener = new Listener(protocol);
        this.boss = Objects.requireNonNull(boss, "boss");
        this.workers = Objects.requireNonNull(workers, "workers");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.implicitTls = implicitTls;
    }

    /**
     * Adds a new connection's handlers after TLS and before the session, and returns its session; null when the
     * connection was turned away ({@link #turnedAway}).
     */
    protected abstract ChannelInboundHandler open(SocketChannel channel);

    /** Listens on the address (port 0 picks a free port) and returns the address actually bound. */
    public final InetSocketAddress start(InetSocketAddress address) throws IOException {
        InetSocketAddress bound = listener.start(boss, workers, address, channel -> {
            if (implicitTls != null) {
                channel.pipeline().addLast(StartTls.HANDLER_NAME, implicitTls.newHandler(channel.alloc()));
            }
            ChannelInboundHandler session = open(channel);
            if (session != null) channel.pipeline().addLast("session", sessions.offload(channel, session));
        });
        LOG.info("{} listening on {}", protocol, bound);
        return bound;
    }

    /**
     * Counts {@code channel} until it closes; when it is beyond {@code maxConnections}, or the server is stopping,
     * ends its pipeline with a handler that sends the matching line (CRLF added) and closes, and returns true.
     */
    protected final boolean turnedAway(SocketChannel channel, int maxConnections, String tooMany, String shuttingDown) {
        boolean overCap = cap.overCap(channel, maxConnections);
        boolean stopping = this.stopping;
        if (!overCap && !stopping) return false;
        channel.pipeline().addLast("refuse", ConnectionCap.refusal(stopping ? shuttingDown : tooMany));
        return true;
    }

    /** The idle timer of a session that may answer at length: a client slowly reading a long answer is not idle. */
    protected static IdleStateHandler idleTimer(Duration timeout) {
        return new IdleStateHandler(true, 0, 0, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether {@link #stopAccepting()} was called. */
    protected final boolean stopping() {
        return stopping;
    }

    /** Whether this listener is bound and accepting (readiness). */
    public final boolean listening() {
        return listener.listening();
    }

    /**
     * The first step of a graceful stop: new connections are turned away, and each open session gets the
     * {@link Listener#STOPPING} event, to end between two commands. {@link #close()} ends the rest.
     */
    public final void stopAccepting() {
        stopping = true;
        listener.signalStopping();
    }

    /** Stops listening and closes every connection; the shared groups keep running. */
    @Override
    public void close() {
        listener.close();
    }
}
