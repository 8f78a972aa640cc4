package org.mailroom.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionHandoffTest {

    private final SessionThreads threads = new SessionThreads(2);

    @AfterEach
    void close() {
        threads.close();
    }

    @Test
    void theSessionGetsItsEventsInOrderOnItsOwnExecutor() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast("session", threads.offload(channel, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                events.add(msg + (ctx.executor().inEventLoop() ? " on session" : " elsewhere"));
                if (msg.equals("boom")) throw new IllegalStateException("boom");
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                events.add("caught " + cause.getMessage());
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                closed.complete(null);
            }
        }));
        channel.writeInbound("one", "boom", "two");
        channel.close();
        closed.get(10, TimeUnit.SECONDS);
        assertThat(events).containsExactly("one on session", "boom on session", "caught boom", "two on session");
    }

    @Test
    void aReadThePoolCannotTakeAnyMoreIsReleased() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast("session", threads.offload(channel, new ChannelInboundHandlerAdapter()));
        threads.close();
        ByteBuf line = Unpooled.copiedBuffer(new byte[] {'x'});
        channel.writeInbound(line);
        assertThat(line.refCnt()).isZero();
    }
}
