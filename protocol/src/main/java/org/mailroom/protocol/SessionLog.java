package org.mailroom.protocol;

import io.netty.channel.ChannelHandlerContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.slf4j.Logger;

/** What a session's log lines say of its client and of a connection that fails (POP3, IMAP, ManageSieve). */
public final class SessionLog {

    private SessionLog() {}

    /** The client's IP address, or the channel's address as it is when it is not an IP one. */
    public static String clientIp(ChannelHandlerContext ctx) {
        SocketAddress remote = ctx.channel().remoteAddress();
        if (remote instanceof InetSocketAddress) return ((InetSocketAddress) remote).getAddress().getHostAddress();
        return String.valueOf(remote);
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
