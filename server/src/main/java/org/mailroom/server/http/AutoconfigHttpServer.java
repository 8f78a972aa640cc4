package org.mailroom.server.http;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.mailroom.core.store.Directory;
import org.mailroom.protocol.EventLoops;
import org.mailroom.protocol.Listener;
import org.mailroom.protocol.tls.TlsContext;
import org.mailroom.server.autoconfig.MailEndpoints;

/**
 * The autoconfiguration listener ({@code listen.autoconfig}): the admin listener's HTTP machinery (codec, limits,
 * {@link RequestHandler}) with the open routes of {@link AutoconfigRoutes} and no tokens. A separate listener
 * because it faces the Internet (clients ask on ports 80/443 of autoconfig.&lt;domain&gt;) while the admin API
 * stays on loopback.
 */
public final class AutoconfigHttpServer implements AutoCloseable {

    private final EventLoops loops;
    private final TlsContext tls;
    private final RequestHandler handler;
    private final Listener listener = new Listener("HTTP");

    /** @param tls the server certificate for HTTPS, or null for plain HTTP */
    public AutoconfigHttpServer(EventLoops loops, TlsContext tls, Directory directory, MailEndpoints endpoints) {
        this.loops = loops;
        this.tls = tls;
        // Every route is OPEN: BearerAuth never reaches for tokens.
        this.handler = new RequestHandler(new AutoconfigRoutes(directory, endpoints).routes(), new BearerAuth(null, false));
    }

    /** Binds and starts accepting; returns the bound address (port 0 picks a free one). */
    public InetSocketAddress start(InetSocketAddress address) throws IOException {
        return listener.start(loops.boss(), loops.workers(), address, ch -> {
            ChannelPipeline p = ch.pipeline();
            if (tls != null) p.addLast("tls", tls.newHandler(ch.alloc()));
            p.addLast("idle", new IdleStateHandler(0, 0, AdminHttpServer.IDLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            p.addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                    .setMaxInitialLineLength(AdminHttpServer.MAX_LINE).setMaxHeaderSize(AdminHttpServer.MAX_HEADERS)));
            p.addLast("aggregate", new HttpObjectAggregator(AdminHttpServer.MAX_BODY));
            p.addLast("requests", loops.blocking().offload(ch, handler));
        });
    }

    public boolean listening() {
        return listener.listening();
    }

    @Override
    public void close() {
        listener.close();
    }
}
