package org.mailroom.protocol;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * Linux epoll or Java NIO: the event loops and the channels must agree, so both are chosen here. Epoll saves a
 * system call or two per read and write and wakes its threads through an eventfd (JDK NIO: a selector wake-up),
 * which counts when many small commands each cross from a blocking thread to an event loop and back. Where the
 * native library does not load (another OS or CPU), NIO: same behaviour, a little slower.
 */
public final class NativeTransport {

    private NativeTransport() {
    }

    /** Epoll when asked for and it loads here. */
    public static boolean usable(boolean wanted) {
        return wanted && Epoll.isAvailable();
    }

    static IoHandlerFactory handlers(boolean epoll) {
        return epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    /** The listening socket's class for event loops of this group. */
    public static Class<? extends ServerChannel> serverChannel(EventLoopGroup group) {
        return isEpoll(group) ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** An outgoing connection's class for event loops of this group (the SMTP client). */
    public static Class<? extends SocketChannel> socketChannel(EventLoopGroup group) {
        return isEpoll(group) ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    private static boolean isEpoll(EventLoopGroup group) {
        return group instanceof IoEventLoopGroup io && io.isIoType(EpollIoHandler.class);
    }
}
