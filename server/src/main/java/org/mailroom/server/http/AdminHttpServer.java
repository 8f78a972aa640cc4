package org.mailroom.server.http;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mailroom.protocol.EventLoops;
import org.mailroom.protocol.Listener;
import org.mailroom.protocol.tls.TlsContext;
import org.mailroom.server.admin.AdminTokens;

/**
 * The admin listener ({@code listen.admin}): HTTP/1.1 with Netty's codec, JSON routes, {@code /metrics} and the
 * health checks. Pipeline per connection: (TLS, when the address is not loopback,) idle timeout, HTTP codec with
 * line and header limits, aggregation up to {@link #MAX_BODY} (a larger body gets 413 before it is read), then
 * {@link RequestHandler} offloaded to the session pool.
 *
 * <p>Design note: the listener knows nothing of the API; it serves a list of {@link Route}s: the API's
 * ({@link AdminRoutes}) and the web console's static files ({@link ConsoleRoutes}).
 */
public final class AdminHttpServer implements AutoCloseable {

    /** Largest request body: a JSON object of a few fields needs far less. */
    static final int MAX_BODY = 64 * 1024;
    /** Request line and header section limits, generous for browsers and curl, small for a flood. */
    static final int MAX_LINE = 4096;
    static final int MAX_HEADERS = 16 * 1024;
    /** A connection that sends nothing for this long is closed. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

    private final EventLoops loops;
    private final TlsContext tls;
    private final RequestHandler handler;
    private final Listener listener = new Listener("HTTP");

    /**
     * @param tls                  the server certificate for a listener off loopback, or null for plain HTTP
     * @param metricsTokenRequired {@code admin.metrics_token_required}
     */
    public AdminHttpServer(EventLoops loops, TlsContext tls, AdminRoutes.Backend backend, boolean metricsTokenRequired) {
        this.loops = loops;
        this.tls = tls;
        List<Route> routes = new ArrayList<>(AdminRoutes.of(backend));
        routes.addAll(ConsoleRoutes.of());
        this.handler = new RequestHandler(routes,
                new BearerAuth(new AdminTokens(backend.directory()), metricsTokenRequired, backend.localToken()));
    }

    /** Binds and starts accepting; returns the bound address (port 0 picks a free one). */
    public InetSocketAddress start(InetSocketAddress address) throws IOException {
        return listener.start(loops.boss(), loops.workers(), address, ch -> {
            ChannelPipeline p = ch.pipeline();
            if (tls != null) p.addLast("tls", tls.newHandler(ch.alloc()));
            p.addLast("idle", new IdleStateHandler(0, 0, IDLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            p.addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                    .setMaxInitialLineLength(MAX_LINE).setMaxHeaderSize(MAX_HEADERS)));
            p.addLast("aggregate", new HttpObjectAggregator(MAX_BODY));
            p.addLast("requests", loops.blocking().offload(ch, handler));
        });
    }

    /** Whether the listener is bound and accepting. */
    public boolean listening() {
        return listener.listening();
    }

    @Override
    public void close() {
        listener.close();
    }
}
