package org.mailroom.protocol.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * The STARTTLS pause of the {@link StartTlsDecoder} contract, kept once for the decoders that pause only there
 * (IMAP, POP3, ManageSieve; SMTP pauses after every command and keeps its own modes). A decoder calls
 * {@link #awaitTls()} right after it emitted the STARTTLS command; from then on nothing is decoded and every byte
 * stays counted in {@link #bufferedBytes()} until {@link #resume()}.
 */
public abstract class PausingDecoder extends ByteToMessageDecoder implements StartTlsDecoder {

    private ChannelHandlerContext ctx;
    private boolean awaitingTls;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Stops decoding after a STARTTLS command, until the session upgrades or refuses. */
    protected final void awaitTls() {
        awaitingTls = true;
    }

    protected final boolean awaitingTls() {
        return awaitingTls;
    }

    @Override
    public final int bufferedBytes() {
        return actualReadableBytes();
    }

    /** Decodes again after STARTTLS; call on the event loop (StartTls does; a refusing session schedules it there). */
    @Override
    public final void resume() {
        if (!awaitingTls) return;
        awaitingTls = false;
        StartTlsDecoder.decodeWaiting(this, ctx, actualReadableBytes());
    }

    @Override
    protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!awaitingTls) decodeCommands(ctx, in, out);
    }

    /** {@link ByteToMessageDecoder#decode}, called only while not paused. */
    protected abstract void decodeCommands(ChannelHandlerContext ctx, ByteBuf in, List<Object> out);
}
