package org.mailroom.protocol.tls;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;

/**
 * What {@link StartTls} needs from a protocol's inbound decoder: SMTP implements it itself, IMAP, POP3 and
 * ManageSieve through {@link PausingDecoder}.
 *
 * <p>The contract, which is what makes the STARTTLS injection check (CVE-2011-0411) sound:
 * <ol>
 *   <li>When the decoder has produced a STARTTLS command (SMTP and ManageSieve {@code STARTTLS}, IMAP
 *       {@code tag STARTTLS}, POP3 {@code STLS}) it stops decoding (SMTP's {@code PAUSED} mode, the others'
 *       {@link PausingDecoder#awaitTls()}): {@code decode} then leaves every further byte in its buffer.
 *       Otherwise a command pipelined behind STARTTLS would already be decoded and on its way to the session
 *       before anyone could look.</li>
 *   <li>{@link #bufferedBytes()} counts the bytes held but not decoded (with Netty's
 *       {@code ByteToMessageDecoder}: {@code actualReadableBytes()}).</li>
 *   <li>{@link #resume()} returns to normal decoding. {@link StartTls} calls it right after it put the
 *       {@code SslHandler} in place (the buffer is empty then). A session that refuses STARTTLS instead
 *       (TLS already active, not offered) calls it itself, on the channel's event loop, and the decoder then
 *       decodes what it held, in plain text as before.</li>
 * </ol>
 * Both methods are called on the channel's event loop only, where the decoder runs.
 */
public interface StartTlsDecoder {

    /** Bytes received after the STARTTLS command and held undecoded. */
    int bufferedBytes();

    /** Leaves the paused mode and decodes again (including any bytes held, when STARTTLS was refused). */
    void resume();

    /**
     * For {@link #resume()} and any other return from a paused mode: decodes the {@code buffered} bytes that
     * waited, which no new read would ever bring to {@code decode}. On the event loop; a failure goes down the
     * pipeline as an exception, as one from a read would.
     */
    static void decodeWaiting(ChannelInboundHandler decoder, ChannelHandlerContext ctx, int buffered) {
        if (buffered == 0) return;
        try {
            decoder.channelRead(ctx, Unpooled.EMPTY_BUFFER);
        } catch (Exception e) {
            ctx.fireExceptionCaught(e);
        }
    }
}
