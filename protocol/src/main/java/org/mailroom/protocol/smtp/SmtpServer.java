package org.mailroom.protocol.smtp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.mailroom.core.delivery.Router;
import org.mailroom.core.store.BlobStore;
import org.mailroom.protocol.ConnectionLimiter;
import org.mailroom.protocol.EventLoops;
import org.mailroom.protocol.tls.StartTls;
import org.mailroom.protocol.tls.TlsContext;

/**
 * An SMTP listener. Pipeline per connection: (TLS for implicit TLS,) connection limits, idle timeout,
 * {@link SmtpDecoder}, then {@link SmtpSession} on the blocking executor.
 */
public final class SmtpServer implements AutoCloseable {

    private final SmtpSettings settings;
    private final Router router;
    private final BlobStore blobs;
    private final EventLoops loops;
    private final Clock clock;
    private final ConnectionLimiter limiter;
    private final TlsContext tls;
    private final boolean implicitTls;
    private final SmtpAuth auth;
    private Channel listener;

    /**
     * @param tls         offered with STARTTLS, or null for none
     * @param implicitTls TLS from the first byte (submissions, port 465, RFC 8314) instead of STARTTLS
     * @param auth        for submission listeners: AUTH required before MAIL; null for port 25
     */
    public SmtpServer(SmtpSettings settings, Router router, BlobStore blobs, EventLoops loops, Clock clock,
                      TlsContext tls, boolean implicitTls, SmtpAuth auth) {
        if (implicitTls && tls == null) throw new IllegalArgumentException("implicit TLS needs a TLS context");
        this.auth = auth;
        this.tls = tls;
        this.implicitTls = implicitTls;
        this.settings = settings;
        this.router = router;
        this.blobs = blobs;
        this.loops = loops;
        this.clock = clock;
        this.limiter = new ConnectionLimiter(settings.maxConnections(), settings.maxConnectionsPerIp(),
                "421 4.7.0 " + settings.hostname() + " Error: too many connections");
    }

    /** Binds and starts accepting; returns the bound address (port 0 picks a free one). */
    public InetSocketAddress start(InetSocketAddress address) throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops.boss(), loops.workers())
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SmtpDecoder decoder = new SmtpDecoder(settings.commandLineLimit(), settings.textLineLimit(),
                                settings.normalizeBareLineEndings());
                        ChannelPipeline p = ch.pipeline();
                        if (implicitTls) p.addLast(StartTls.HANDLER_NAME, tls.newHandler(ch.alloc()));
                        p.addLast("limits", limiter);
                        p.addLast("idle", new IdleStateHandler(settings.commandTimeout().toMillis(), 0, 0,
                                TimeUnit.MILLISECONDS));
                        p.addLast("decoder", decoder);
                        p.addLast(loops.blocking(), "session", new SmtpSession(settings, router, blobs, decoder, clock, tls, auth));
                    }
                });
        listener = bootstrap.bind(address).sync().channel();
        return (InetSocketAddress) listener.localAddress();
    }

    /** Sessions open now. */
    public int activeSessions() {
        return limiter.active();
    }

    @Override
    public void close() {
        if (listener != null) listener.close().syncUninterruptibly();
    }
}
