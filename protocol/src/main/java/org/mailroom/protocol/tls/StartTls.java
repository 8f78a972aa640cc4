package org.mailroom.protocol.tls;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.nio.channels.ClosedChannelException;
import java.util.Map;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upgrades a plain connection to TLS after STARTTLS (SMTP, RFC 3207), STARTTLS (IMAP, RFC 2595 / RFC 9051
 * section 6.2.1) or STLS (POP3, RFC 2595): the one place every protocol goes through.
 *
 * <p>Session code, once it decided to accept the command:
 * <pre>{@code
 * StartTls.upgrade(channel, tls, "220 2.0.0 Ready to start TLS").addListener(handshake -> {
 *     if (handshake.isSuccess()) { executor.execute(this::forgetEverythingLearnedInPlainText); }
 * });
 * }</pre>
 * RFC 3207 section 4.2: after the handshake the session starts over (no EHLO, no AUTH, no MAIL); the same holds
 * for IMAP (capabilities are asked again) and POP3. The future fails if the connection was closed instead, and
 * then there is nothing to reset.
 */
public final class StartTls {

    private static final Logger log = LoggerFactory.getLogger(StartTls.class);

    /** The name of the TLS handler in every pipeline, implicit or STARTTLS. */
    public static final String HANDLER_NAME = "tls";

    private StartTls() {
    }

    /** True once the connection has a TLS handler (implicit TLS, or after STARTTLS). */
    public static boolean isActive(Channel channel) {
        return channel.pipeline().get(SslHandler.class) != null;
    }

    /**
     * Writes {@code readyReply} in plain text, then puts a TLS handler first in the pipeline and waits for the
     * client's handshake. May be called from any thread; the work runs on the channel's event loop.
     *
     * @param readyReply the protocol's "go ahead" reply as its encoder expects it (a reply object or bytes)
     * @return completes with the channel when the handshake succeeded; fails, with the connection closed, on
     *     injection, a failed write or a failed handshake
     */
    public static Future<Channel> upgrade(Channel channel, TlsContext tls, Object readyReply) {
        Promise<Channel> result = channel.eventLoop().newPromise();
        if (channel.eventLoop().inEventLoop()) {
            begin(channel, tls, readyReply, result);
        } else {
            channel.eventLoop().execute(() -> begin(channel, tls, readyReply, result));
        }
        return result;
    }

    private static void begin(Channel channel, TlsContext tls, Object readyReply, Promise<Channel> result) {
        if (!channel.isActive()) {
            result.tryFailure(new ClosedChannelException());
            return;
        }
        if (isActive(channel)) {
            // A session bug, not the client's: sessions answer a second STARTTLS with an error reply.
            result.tryFailure(new IllegalStateException("TLS is already active on this connection"));
            return;
        }
        StartTlsDecoder decoder = findDecoder(channel.pipeline());
        if (decoder == null) {
            // Without the decoder's count the check below cannot be made; refuse rather than be unsafe.
            channel.close();
            result.tryFailure(new IllegalStateException("no StartTlsDecoder in the pipeline " + channel.pipeline().names()));
            return;
        }
        if (rejectInjection(channel, decoder, result)) {
            return;
        }
        channel.writeAndFlush(readyReply).addListener((ChannelFuture written) -> {
            // Listeners of a channel's futures run on its event loop, so no read can come between the check
            // and adding the handler: every byte from now on passes through TLS.
            if (!written.isSuccess()) {
                channel.close();
                result.tryFailure(written.cause());
                return;
            }
            if (rejectInjection(channel, decoder, result)) {
                return;
            }
            SslHandler handler = tls.newHandler(channel.alloc());
            channel.pipeline().addFirst(HANDLER_NAME, handler);
            decoder.resume();
            handler.handshakeFuture().addListener(handshake -> {
                if (handshake.isSuccess()) {
                    result.trySuccess(channel);
                } else {
                    result.tryFailure(handshake.cause()); // SslHandler has closed the connection
                }
            });
        });
    }

    /*
     * CVE-2011-0411, STARTTLS command injection: THE ONE PLACE this rule lives; protocols must not repeat or
     * weaken it. Bytes the client sent after the STARTTLS command and before the TLS handler was in place
     * arrived in plain text; a man in the middle may have added them (e.g. "STARTTLS\r\nRSET\r\nMAIL FROM:..."
     * in one packet). Processing them after the handshake would treat them as protected, so the connection is
     * closed instead, as Postfix does. A compliant client waits for the reply before its ClientHello (RFC 3207
     * section 4, RFC 2595 section 3.1), so nothing legitimate is lost. Checked twice: before the reply (no reply
     * to an injector) and when it has been written (bytes that came meanwhile).
     */
    private static boolean rejectInjection(Channel channel, StartTlsDecoder decoder, Promise<Channel> result) {
        int buffered = decoder.bufferedBytes();
        if (buffered == 0) {
            return false;
        }
        log.info("Closing connection from {}: {} bytes sent in plain text after STARTTLS (possible injection)",
                channel.remoteAddress(), buffered);
        channel.close();
        result.tryFailure(new SSLException("plain-text bytes after STARTTLS; connection closed"));
        return true;
    }

    private static StartTlsDecoder findDecoder(ChannelPipeline pipeline) {
        for (Map.Entry<String, ChannelHandler> entry : pipeline) {
            if (entry.getValue() instanceof StartTlsDecoder) {
                return (StartTlsDecoder) entry.getValue();
            }
        }
        return null;
    }
}
