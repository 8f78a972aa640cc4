package org.mailroom.protocol;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connection cap of a POP3, IMAP or ManageSieve listener ({@link ProtocolListener#turnedAway}): counts its
 * open connections, and turns away one over the cap (or any while the server stops) with one line before closing
 * (RFC 2449 section 8.2, RFC 9051 section 7.1.5, RFC 5804 section 1.3). SMTP's cap, with one per client address
 * as well, is {@link ConnectionLimiter}.
 */
final class ConnectionCap {

    private final AtomicInteger open = new AtomicInteger();

    /** Counts {@code channel} until it closes; true if it is beyond {@code max}. */
    boolean overCap(Channel channel, int max) {
        int count = open.incrementAndGet();
        channel.closeFuture().addListener(f -> open.decrementAndGet());
        return count > max;
    }

    /** A handler that sends {@code line} (CRLF added) once the connection is up, then closes; reads are dropped. */
    static ChannelHandler refusal(String line) {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                ctx.writeAndFlush(Unpooled.copiedBuffer(line + "\r\n", StandardCharsets.UTF_8))
                        .addListener(ChannelFutureListener.CLOSE);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg);
            }
        };
    }
}
