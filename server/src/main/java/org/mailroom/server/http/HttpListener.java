package org.mailroom.server.http;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.mailroom.protocol.EventLoops;
import org.mailroom.protocol.Listener;
import org.mailroom.protocol.tls.TlsContext;

/**
 * An HTTP/1.1 listener with Netty's codec. Pipeline per connection: (TLS,) idle timeout, HTTP codec with line and
 * header limits, aggregation up to {@link #MAX_BODY} (a larger body gets 413 before it is read), then a
 * {@link RequestHandler} offloaded to the session pool. The admin and autoconfig listeners differ in their routes.
 */
public abstract class HttpListener implements AutoCloseable {

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

    /** @param tls the server certificate for HTTPS, or null for plain HTTP */
    HttpListener(EventLoops loops, TlsContext tls, RequestHandler handler) {
        this.loops = loops;
        this.tls = tls;
        this.handler = handler;
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
