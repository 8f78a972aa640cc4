package org.mailroom.protocol.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.mailroom.protocol.tls.StartTlsDecoder;

/**
 * Cuts the client's bytes into lines. Emits each line as a {@link String} without its terminator (CRLF, or a
 * bare LF from lenient clients), or {@link Signal#LINE_TOO_LONG} once for a line over the limit.
 *
 * <p>The limit counts the line as if it ended in CRLF, like RFC 2449 section 4 ("255 octets, including the
 * terminating CRLF"). An over-long line is never buffered: as soon as more than the limit is waiting without a
 * line feed, the decoder reports it and switches to {@link Mode#DISCARD}, dropping bytes up to the next line
 * feed. So at most {@code maxLineLength} octets are ever held.
 *
 * <p>Lines are decoded as UTF-8: commands are ASCII, but a password given to PASS may not be.
 */
public final class Pop3Decoder extends ByteToMessageDecoder implements StartTlsDecoder {

    /** What the decoder tells the session besides lines. */
    public enum Signal { LINE_TOO_LONG }

    /** AWAIT_TLS: after an STLS line, nothing is decoded until the session upgrades or refuses (RFC 2595). */
    private enum Mode { LINE, DISCARD, AWAIT_TLS }

    private final int maxLineLength;
    private Mode mode = Mode.LINE;
    private ChannelHandlerContext ctx;

    public Pop3Decoder(int maxLineLength) {
        if (maxLineLength < 3) throw new IllegalArgumentException("max line length below 3: " + maxLineLength);
        this.maxLineLength = maxLineLength;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Whether a line is the STLS command, after which the decoder waits (the session uses the same test). */
    static boolean isStls(String line) {
        return line.trim().equalsIgnoreCase("STLS");
    }

    @Override
    public int bufferedBytes() {
        return actualReadableBytes();
    }

    /** Decodes again after STLS; call on the event loop (StartTls does; a refusing session schedules it there). */
    @Override
    public void resume() {
        if (mode != Mode.AWAIT_TLS) return;
        mode = Mode.LINE;
        StartTlsDecoder.decodeWaiting(this, ctx, actualReadableBytes());
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (mode) {
            case AWAIT_TLS:
                break;
            case LINE:
                decodeLine(in, out);
                break;
            case DISCARD:
                discardRestOfLine(in);
                break;
            default:
                throw new IllegalStateException("mode " + mode);
        }
    }

    private void decodeLine(ByteBuf in, List<Object> out) {
        int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            // A valid line has at most maxLineLength - 2 octets of text plus a CR before its LF.
            if (in.readableBytes() > maxLineLength - 1) {
                in.skipBytes(in.readableBytes());
                mode = Mode.DISCARD;
                out.add(Signal.LINE_TOO_LONG);
            }
            return;
        }
        int length = lf - in.readerIndex();
        int text = length > 0 && in.getByte(lf - 1) == '\r' ? length - 1 : length;
        if (text + 2 > maxLineLength) {
            in.skipBytes(length + 1);
            out.add(Signal.LINE_TOO_LONG);
            return;
        }
        String line = in.toString(in.readerIndex(), text, StandardCharsets.UTF_8);
        in.skipBytes(length + 1);
        out.add(line);
        if (isStls(line)) mode = Mode.AWAIT_TLS;
    }

    private void discardRestOfLine(ByteBuf in) {
        int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            in.skipBytes(in.readableBytes());
        } else {
            in.readerIndex(lf + 1);
            mode = Mode.LINE;
        }
    }
}
