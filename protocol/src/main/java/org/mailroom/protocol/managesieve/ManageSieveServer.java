package org.mailroom.protocol.managesieve;

import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.util.Objects;
import org.mailroom.core.auth.LoginGuard;
import org.mailroom.core.auth.SaslMechanisms;
import org.mailroom.core.store.SieveScripts;
import org.mailroom.protocol.ProtocolListener;
import org.mailroom.protocol.SessionThreads;
import org.mailroom.protocol.tls.TlsContext;

/**
 * A ManageSieve listener (RFC 5804) on groups shared with the other listeners. Example:
 * {@code new ManageSieveServer(settings, storage.sieveScripts(), ScriptCompiler.of(new SieveCompiler()), sasl, guard,
 * tls, boss, workers, blocking).start(new InetSocketAddress(4190))}.
 *
 * <p>Pipeline per connection: idle timer → {@link ManageSieveDecoder} → {@link ManageSieveEncoder} →
 * {@link ManageSieveSession}, the session offloaded to the session pool.
 */
public final class ManageSieveServer extends ProtocolListener {

    private static final ManageSieveEncoder ENCODER = new ManageSieveEncoder();

    private final ManageSieveSettings settings;
    private final SieveScripts scripts;
    private final ScriptCompiler compiler;
    private final SaslMechanisms sasl;
    private final LoginGuard guard;
    private final TlsContext tls;

    /** {@code tls} null: no STARTTLS offered (tests). The groups are shared: {@link #close()} leaves them running. */
    public ManageSieveServer(ManageSieveSettings settings, SieveScripts scripts, ScriptCompiler compiler,
                             SaslMechanisms sasl, LoginGuard guard, TlsContext tls, EventLoopGroup boss,
                             EventLoopGroup workers, SessionThreads blocking) {
        super("ManageSieve", boss, workers, blocking, null);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.scripts = Objects.requireNonNull(scripts, "scripts");
        this.compiler = Objects.requireNonNull(compiler, "compiler");
        this.sasl = Objects.requireNonNull(sasl, "sasl");
        this.guard = Objects.requireNonNull(guard, "guard");
        this.tls = tls;
    }

    @Override
    protected ChannelInboundHandler open(SocketChannel channel) {
        // Over the limit or while stopping: one BYE, then close (RFC 5804 section 1.3 allows it).
        if (turnedAway(channel, settings.maxConnections(),
                "BYE (TRYLATER) \"Too many connections\"", "BYE (TRYLATER) \"Server shutting down\"")) {
            return null;
        }
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast("idle", idleTimer(settings.idleTimeout()));
        pipeline.addLast("decoder", new ManageSieveDecoder(settings.maxLineLength(), settings.maxScriptSize(),
                settings.discardLimit()));
        pipeline.addLast("encoder", ENCODER);
        return new ManageSieveSession(settings, scripts, compiler, sasl, guard, tls);
    }
}
