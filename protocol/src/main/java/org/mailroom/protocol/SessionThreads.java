package org.mailroom.protocol;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The bounded pool that runs session work (store I/O, fsync, password hashing), shared by every listener, so that
 * it never runs on an event loop. Each connection gets a serial executor over it ({@link #offload}): its events
 * run one at a time and in order, on whichever pool thread is free. See docs/architecture.md.
 */
public final class SessionThreads implements AutoCloseable {

    /** How long {@link #close()} lets queued session work (last events of closing connections) finish. */
    private static final long CLOSE_WAIT_SECONDS = 5;

    private final ThreadPoolExecutor pool;

    /** @param threads how many session tasks may block at once */
    public SessionThreads(int threads) {
        // The queue holds at most one task per connection (its executor's turn), so connection caps bound it.
        // Netty's thread factory: its FastThreadLocal threads give the buffer allocator its per-thread caches.
        pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory("session"));
    }

    /**
     * The handler to add to {@code channel}'s pipeline in place of {@code session}: it stays on the event loop and
     * hands each of the session's events to a serial executor of its own connection, which the session also sees
     * as {@code ctx.executor()} (its timers and {@code execute} calls run there too).
     */
    public ChannelHandler offload(Channel channel, ChannelInboundHandler session) {
        return new SessionHandoff(session, executor(channel.eventLoop()));
    }

    /** A new serial executor on this pool, whose timers wait on {@code loop}. */
    SessionExecutor executor(EventExecutor loop) {
        return new SessionExecutor(pool, loop);
    }

    /** Takes no new work and waits a while for the queued work to end; call once the event loops have stopped. */
    @Override
    public void close() {
        pool.shutdown();
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSE_WAIT_SECONDS);
        while (!pool.isTerminated() && System.nanoTime() < deadline) {
            try {
                pool.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
