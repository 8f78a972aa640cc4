package org.mailroom.protocol.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a stored message chunk by chunk and turns it into the body of a multi-line POP3 reply (RFC 1939
 * section 3): a line that starts with '.' gets one more '.', and the reply ends with {@code .CRLF}, after a
 * CRLF of its own if the message did not end with one.
 *
 * <p>For TOP (RFC 1939 section 7) it stops after the header, the blank line and the given number of body
 * lines. Blobs are stored with CRLF line ends, so the bytes go out as they are, apart from the stuffing; a bare
 * LF also counts as a line end here so that a stray one cannot hide a line starting with '.'.
 *
 * <p>Not thread-safe: one session reads it, one chunk at a time.
 */
final class DotStuffingReader implements Closeable {

    /** Read size: one chunk is at most twice this after stuffing, well under Netty's write buffer mark. */
    static final int DEFAULT_CHUNK_SIZE = 8192;

    private final InputStream in;
    private final byte[] buffer;
    private boolean atLineStart = true;
    private boolean lineBlank = true; // nothing but a CR so far on the current line
    private boolean inHeader = true;
    private long bodyLinesLeft;
    private boolean finished;

    /**
     * @param bodyLines how many body lines to send, {@link Long#MAX_VALUE} for the whole message (RETR)
     */
    DotStuffingReader(InputStream in, long bodyLines, int chunkSize) {
        if (bodyLines < 0) throw new IllegalArgumentException("negative line count");
        this.in = in;
        this.bodyLinesLeft = bodyLines;
        this.buffer = new byte[chunkSize];
    }

    DotStuffingReader(InputStream in, long bodyLines) {
        this(in, bodyLines, DEFAULT_CHUNK_SIZE);
    }

    /** True once the terminating {@code .CRLF} was returned. */
    boolean finished() {
        return finished;
    }

    /**
     * The next piece of the reply; the last one ends with {@code .CRLF}. Returns null once finished.
     */
    ByteBuf nextChunk(ByteBufAllocator alloc) throws IOException {
        if (finished) return null;
        if (reachedLineLimit()) return terminate(alloc.buffer(5));
        int n = in.read(buffer);
        if (n < 0) return terminate(alloc.buffer(5));
        ByteBuf out = alloc.buffer(n + n / 16 + 8);
        for (int i = 0; i < n; i++) {
            if (reachedLineLimit()) return terminate(out);
            byte b = buffer[i];
            if (atLineStart && b == '.') out.writeByte('.');
            out.writeByte(b);
            if (b == '\n') {
                endOfLine();
            } else {
                atLineStart = false;
                if (b != '\r') lineBlank = false;
            }
        }
        return out;
    }

    private void endOfLine() {
        if (inHeader) {
            if (lineBlank) inHeader = false; // RFC 5322: the first empty line ends the header
        } else if (bodyLinesLeft != Long.MAX_VALUE) {
            bodyLinesLeft--;
        }
        atLineStart = true;
        lineBlank = true;
    }

    private boolean reachedLineLimit() {
        return atLineStart && !inHeader && bodyLinesLeft == 0;
    }

    private ByteBuf terminate(ByteBuf out) {
        if (!atLineStart) out.writeByte('\r').writeByte('\n');
        out.writeByte('.').writeByte('\r').writeByte('\n');
        finished = true;
        return out;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
