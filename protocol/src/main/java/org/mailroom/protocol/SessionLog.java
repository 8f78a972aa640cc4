package org.mailroom.protocol;

import io.netty.channel.ChannelHandlerContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.slf4j.Logger;

/**
 * Who a session's client is, for its log lines and its login guard, and what the log says of a connection that
 * fails (POP3, IMAP, ManageSieve).
 */
public final class SessionLog {

    private SessionLog() {}

    /** The client's IP address, or null when the channel's address is not an IP one (the guard's shared bucket). */
    public static InetAddress clientAddress(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress remote ? remote.getAddress() : null;
    }

    /** The client's IP address, or the channel's address as it is when it is not an IP one. */
    public static String clientIp(ChannelHandlerContext ctx) {
        InetAddress address = clientAddress(ctx);
        return address != null ? address.getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
    }

    /**
     * Logs why a connection fails: the network's doing (reset, broken pipe) at debug, anything else with its stack
     * trace, as a bug.
     *
     * @param protocol as the line starts, "POP3"
     * @return whether it was a bug, which the session's last line then reports as its result
     */
    public static boolean failure(Logger log, String protocol, ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("{} connection error from {}: {}", protocol, clientIp(ctx), cause.toString());
            return false;
        }
        log.warn("{} session error from {}", protocol, clientIp(ctx), cause);
        return true;
    }
}
