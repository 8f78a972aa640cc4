package org.mailroom.protocol;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.util.concurrent.TimeUnit;

/**
 * The threads every listener shares: one acceptor, a few I/O event loops, and a bounded pool for blocking
 * work (store, DNS, password hashing), which never runs on an event loop. A session offloaded to
 * {@link #blocking()} gets its connection's events in order.
 */
public final class EventLoops implements AutoCloseable {

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final SessionThreads blocking;
    private final boolean epoll;

    /** Java NIO event loops. */
    public EventLoops(int ioThreads, int blockingThreads) {
        this(ioThreads, blockingThreads, false);
    }

    /**
     * @param nativeTransport Linux epoll where it loads ({@link NativeTransport}), else NIO; the listeners and the
     *                        SMTP client pick the matching channel class from the groups
     */
    public EventLoops(int ioThreads, int blockingThreads, boolean nativeTransport) {
        epoll = NativeTransport.usable(nativeTransport);
        boss = new MultiThreadIoEventLoopGroup(1, NativeTransport.handlers(epoll));
        workers = new MultiThreadIoEventLoopGroup(ioThreads, NativeTransport.handlers(epoll));
        blocking = new SessionThreads(blockingThreads);
    }

    /** Sized for this machine: I/O threads as cores, blocking threads enough to keep the disk busy. NIO. */
    public static EventLoops forThisMachine() {
        return forThisMachine(false);
    }

    /** As {@link #forThisMachine()}, with epoll when {@code nativeTransport} and it loads here. */
    public static EventLoops forThisMachine(boolean nativeTransport) {
        int cores = Runtime.getRuntime().availableProcessors();
        return new EventLoops(cores, Math.max(16, cores * 8), nativeTransport);
    }

    /** The event loops run on Linux epoll (else Java NIO). */
    public boolean nativeTransport() {
        return epoll;
    }

    public EventLoopGroup boss() {
        return boss;
    }

    public EventLoopGroup workers() {
        return workers;
    }

    /** The session pool; a listener offloads each connection's session to it. */
    public SessionThreads blocking() {
        return blocking;
    }

    @Override
    public void close() {
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        blocking.close(); // after the loops: the closed connections' last events have been handed to it
    }
}
