package org.mailroom.protocol.managesieve;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.mailroom.core.auth.LoginGuard;
import org.mailroom.core.auth.SaslMechanisms;
import org.mailroom.core.store.SieveScripts;
import org.mailroom.protocol.Listener;
import org.mailroom.protocol.SessionThreads;
import org.mailroom.protocol.tls.TlsContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ManageSieve listener (RFC 5804) on groups shared with the other listeners. Example:
 * {@code new ManageSieveServer(settings, storage.sieveScripts(), ScriptCompiler.of(new SieveCompiler()), sasl, guard,
 * tls, boss, workers, blocking).start(new InetSocketAddress(4190))}.
 *
 * <p>Pipeline per connection: idle timer → {@link ManageSieveDecoder} → {@link ManageSieveEncoder} →
 * {@link ManageSieveSession}, the session offloaded to the session pool.
 */
public final class ManageSieveServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ManageSieveServer.class);
    private static final ManageSieveEncoder ENCODER = new ManageSieveEncoder();

    private final ManageSieveSettings settings;
    private final SieveScripts scripts;
    private final ScriptCompiler compiler;
    private final SaslMechanisms sasl;
    private final LoginGuard guard;
    private final TlsContext tls;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final SessionThreads blocking;
    private final Listener listener = new Listener("ManageSieve");
    private final AtomicInteger open = new AtomicInteger();
    private volatile boolean stopping;

    /** {@code tls} null: no STARTTLS offered (tests). The groups are shared: {@link #close()} leaves them running. */
    public ManageSieveServer(ManageSieveSettings settings, SieveScripts scripts, ScriptCompiler compiler,
                             SaslMechanisms sasl, LoginGuard guard, TlsContext tls, EventLoopGroup boss,
                             EventLoopGroup workers, SessionThreads blocking) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.scripts = Objects.requireNonNull(scripts, "scripts");
        this.compiler = Objects.requireNonNull(compiler, "compiler");
        this.sasl = Objects.requireNonNull(sasl, "sasl");
        this.guard = Objects.requireNonNull(guard, "guard");
        this.tls = tls;
        this.boss = Objects.requireNonNull(boss, "boss");
        this.workers = Objects.requireNonNull(workers, "workers");
        this.blocking = Objects.requireNonNull(blocking, "blocking");
    }

    /** Listens on the address (port 0 picks a free port) and returns the address actually bound. */
    public InetSocketAddress start(InetSocketAddress address) throws IOException {
        InetSocketAddress bound = listener.start(boss, workers, address, this::initConnection);
        LOG.info("ManageSieve listening on {}", bound);
        return bound;
    }

    private void initConnection(SocketChannel channel) {
        int count = open.incrementAndGet();
        channel.closeFuture().addListener(f -> open.decrementAndGet());
        ChannelPipeline pipeline = channel.pipeline();
        if (stopping || count > settings.maxConnections()) {
            pipeline.addLast("encoder", ENCODER);
            pipeline.addLast("refuse", new Refusal(stopping
                    ? "BYE (TRYLATER) \"Server shutting down\"" : "BYE (TRYLATER) \"Too many connections\""));
            return;
        }
        pipeline.addLast("idle", new IdleStateHandler(true, 0, 0, settings.idleTimeout().toMillis(),
                TimeUnit.MILLISECONDS));
        pipeline.addLast("decoder", new ManageSieveDecoder(settings.maxLineLength(), settings.maxScriptSize(),
                settings.discardLimit()));
        pipeline.addLast("encoder", ENCODER);
        pipeline.addLast("session", blocking.offload(channel,
                new ManageSieveSession(settings, scripts, compiler, sasl, guard, tls)));
    }

    /** Connections over the limit or while stopping: one BYE, then close (RFC 5804 section 1.3 allows it). */
    private static final class Refusal extends ChannelInboundHandlerAdapter {
        private final String bye;

        Refusal(String bye) {
            this.bye = bye;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(bye).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Whether this listener is bound and accepting (readiness). */
    public boolean listening() {
        return listener.listening();
    }

    /** New connections get BYE; open sessions get BYE between two commands. */
    public void stopAccepting() {
        stopping = true;
        listener.signalStopping();
    }

    @Override
    public void close() {
        listener.close();
    }
}
