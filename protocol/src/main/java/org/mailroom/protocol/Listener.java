package org.mailroom.protocol;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.unix.Errors;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.mailroom.core.metrics.Metrics;

/**
 * One listening socket of a protocol, on the shared event loops, and the connections it accepted: closing it
 * closes them too. Every protocol server (SMTP, POP3, IMAP) listens through one of these and only says how a new
 * connection's pipeline looks.
 */
public final class Listener implements AutoCloseable {

    /** The user event {@link #signalStopping()} sends down every open connection's pipeline. */
    public static final Object STOPPING = new Object() {
        @Override
        public String toString() {
            return "STOPPING";
        }
    };

    private final String protocol;
    private final String metricsName;
    private final ChannelGroup connections;
    private Channel channel;

    /** @param protocol for messages: "SMTP", "POP3", "IMAP" */
    public Listener(String protocol) {
        this.protocol = protocol;
        this.metricsName = protocol.toLowerCase(Locale.ROOT);
        this.connections = new DefaultChannelGroup(protocol, GlobalEventExecutor.INSTANCE);
    }

    /**
     * Binds and starts accepting; {@code pipeline} sets up each new connection. Returns the bound address (port 0
     * picks a free one).
     *
     * @throws IOException naming the protocol and address, with the cause (a BindException when the port is taken
     *                     or privileged)
     */
    public synchronized InetSocketAddress start(EventLoopGroup boss, EventLoopGroup workers, InetSocketAddress address,
                                                Consumer<SocketChannel> pipeline) throws IOException {
        if (channel != null) throw new IllegalStateException(protocol + " already listening");
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(NativeTransport.serverChannel(workers))
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        Metrics metrics = Metrics.get();
                        metrics.connectionOpened(metricsName);
                        ch.closeFuture().addListener(f -> metrics.connectionClosed(metricsName));
                        pipeline.accept(ch);
                    }
                });
        ChannelFuture bind = bootstrap.bind(address).awaitUninterruptibly();
        if (!bind.isSuccess()) throw new IOException(protocol + " cannot listen on " + address, bindFailure(bind.cause()));
        channel = bind.channel();
        return (InetSocketAddress) channel.localAddress();
    }

    /**
     * NIO reports a port in use or privileged as a {@link BindException}; epoll as its own native exception ("bind(..)
     * failed: Address already in use"): made a BindException too, so callers see one kind whichever transport runs.
     */
    private static Throwable bindFailure(Throwable cause) {
        if (!(cause instanceof Errors.NativeIoException)) return cause;
        BindException same = new BindException(cause.getMessage());
        same.initCause(cause);
        return same;
    }

    /** Whether the socket is bound and accepting (for the server's readiness check). */
    public synchronized boolean listening() {
        return channel != null && channel.isActive();
    }

    /** Connections open now. */
    public int connections() {
        return connections.size();
    }

    /** Tells each open connection's handlers that the server is stopping (the {@link #STOPPING} user event). */
    public void signalStopping() {
        for (Channel ch : connections) ch.pipeline().fireUserEventTriggered(STOPPING);
    }

    /** Stops accepting and closes the open connections. */
    @Override
    public synchronized void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly();
            channel = null;
        }
        connections.close().awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
