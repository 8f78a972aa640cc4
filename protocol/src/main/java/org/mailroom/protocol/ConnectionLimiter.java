package org.mailroom.protocol;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the sessions of one listener, in total and per client address. A connection over either cap gets
 * the protocol's refusal line (SMTP {@code 421 4.7.0 ...}) and is closed before any other handler sees it.
 * One instance is shared by all connections of a listener.
 */
@ChannelHandler.Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {

    // Volatile: a configuration reload (SIGHUP) changes them for the connections that come next.
    private volatile int maxTotal;
    private volatile int maxPerAddress;
    private final String refusal;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    /** @param refusal the line sent before closing, without CRLF */
    public ConnectionLimiter(int maxTotal, int maxPerAddress, String refusal) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
        this.refusal = refusal;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        InetAddress client = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        int all = total.incrementAndGet();
        int mine = perAddress.computeIfAbsent(client, a -> new AtomicInteger()).incrementAndGet();
        ctx.channel().closeFuture().addListener(f -> release(client));
        if (all > maxTotal || mine > maxPerAddress) {
            ctx.writeAndFlush(Unpooled.copiedBuffer(refusal + "\r\n", StandardCharsets.US_ASCII))
               .addListener(ChannelFutureListener.CLOSE);
            return; // the session never starts
        }
        super.channelActive(ctx);
    }

    private void release(InetAddress client) {
        total.decrementAndGet();
        perAddress.computeIfPresent(client, (a, n) -> n.decrementAndGet() == 0 ? null : n);
    }

    /** New caps for the connections accepted from now on; sessions already open stay. */
    public void setLimits(int maxTotal, int maxPerAddress) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    /** Sessions open now (for tests and metrics). */
    public int active() {
        return total.get();
    }
}
