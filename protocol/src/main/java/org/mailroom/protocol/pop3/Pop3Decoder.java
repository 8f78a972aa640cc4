package org.mailroom.protocol.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.util.List;
import org.mailroom.protocol.LimitedLines;
import org.mailroom.protocol.tls.PausingDecoder;

/**
 * Cuts the client's bytes into lines ({@link LimitedLines}). Emits each line as a {@link String} without its
 * terminator (CRLF, or a bare LF from lenient clients), or {@link Signal#LINE_TOO_LONG} once for a line over the
 * limit, which counts the line as if it ended in CRLF (RFC 2449 section 4). An over-long line is never buffered:
 * the decoder reports it as soon as more than the limit waits without a line feed and drops bytes up to the next
 * line feed. After an STLS line nothing is decoded until the session upgrades or refuses (RFC 2595).
 */
public final class Pop3Decoder extends PausingDecoder {

    /** What the decoder tells the session besides lines. */
    public enum Signal { LINE_TOO_LONG }

    private final LimitedLines lines;
    /** Dropping the rest of an over-long line. */
    private boolean discarding;

    public Pop3Decoder(int maxLineLength) {
        this.lines = new LimitedLines(maxLineLength);
    }

    /** Whether a line is the STLS command, after which the decoder waits (the session uses the same test). */
    static boolean isStls(String line) {
        return line.trim().equalsIgnoreCase("STLS");
    }

    @Override
    protected void decodeCommands(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (discarding) {
            discarding = !LimitedLines.skipLine(in);
            return;
        }
        String line = lines.next(in, restToCome -> {
            discarding = restToCome;
            out.add(Signal.LINE_TOO_LONG);
        });
        if (line == null) return;
        out.add(line);
        if (isStls(line)) awaitTls();
    }
}
