package org.mailroom.protocol;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands in the pipeline for a session and stays on the event loop: it hands each event the sessions handle to the
 * connection's serial executor, in the order they come, and the session sees a context whose executor is that one
 * ({@link SessionContext}). Registration and read-complete events go straight on down the pipeline: no session
 * handles them.
 */
final class SessionHandoff extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(SessionHandoff.class);

    private final ChannelInboundHandler session;
    private final SessionExecutor executor;
    private SessionContext context;

    SessionHandoff(ChannelInboundHandler session, SessionExecutor executor) {
        this.session = session;
        this.executor = executor;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = new SessionContext(ctx, session, executor);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        handOff(() -> session.channelActive(context));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            executor.execute(() -> run(() -> session.channelRead(context, msg)));
        } catch (RejectedExecutionException e) {
            ReferenceCountUtil.release(msg); // the pool is closing: nobody else will
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        handOff(() -> session.userEventTriggered(context, event));
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        handOff(() -> session.channelWritabilityChanged(context));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        handOff(() -> session.exceptionCaught(context, cause));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handOff(() -> session.channelInactive(context));
    }

    private void handOff(Event event) {
        try {
            executor.execute(() -> run(event));
        } catch (RejectedExecutionException e) {
            LOG.debug("session pool closed; event dropped for {}", context.channel());
        }
    }

    /** As Netty's pipeline does: what a session's handler method throws goes to its exceptionCaught. */
    private void run(Event event) {
        try {
            event.run();
        } catch (Throwable t) {
            try {
                session.exceptionCaught(context, t);
            } catch (Throwable again) {
                LOG.warn("session's exceptionCaught failed on {}", context.channel(), again);
            }
        }
    }

    /** A session handler method; they may throw. */
    private interface Event {
        void run() throws Exception;
    }
}
