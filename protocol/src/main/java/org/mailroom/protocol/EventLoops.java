package org.mailroom.protocol;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.concurrent.TimeUnit;

/**
 * The threads every listener shares: one acceptor, a few I/O event loops, and a bounded pool for blocking
 * work (store, DNS, password hashing), which never runs on an event loop. A session handler added with
 * {@link #blocking()} keeps its connection's events in order.
 */
public final class EventLoops implements AutoCloseable {

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final EventExecutorGroup blocking;

    public EventLoops(int ioThreads, int blockingThreads) {
        boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(ioThreads, NioIoHandler.newFactory());
        blocking = new DefaultEventExecutorGroup(blockingThreads);
    }

    /** Sized for this machine: I/O threads as cores, blocking threads enough to keep the disk busy. */
    public static EventLoops forThisMachine() {
        int cores = Runtime.getRuntime().availableProcessors();
        return new EventLoops(cores, Math.max(16, cores * 8));
    }

    public EventLoopGroup boss() {
        return boss;
    }

    public EventLoopGroup workers() {
        return workers;
    }

    public EventExecutorGroup blocking() {
        return blocking;
    }

    @Override
    public void close() {
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        blocking.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
