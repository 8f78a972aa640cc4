package org.mailroom.protocol.imap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.mailroom.core.store.BlobStore;

/**
 * The reply path of one {@link ImapSession}: what a command sends is built in one buffer and written to the
 * channel as one buffer when the command ends (or every {@link #CHUNK}). Each write from the session's thread is
 * a task for the event loop, and each flush wakes it up, so one write and one flush per command rather than one
 * per line or per FETCH response.
 */
final class ImapOutput {

    /** A reply longer than this goes out in pieces of this size, so a large FETCH never sits whole in memory. */
    static final int CHUNK = 64 * 1024;

    private final ChannelHandlerContext ctx;
    /** How long a chunk may wait for a client that reads slower than we fetch. */
    private final long writeWaitMillis;
    private ByteBuf pending;

    ImapOutput(ChannelHandlerContext ctx, long writeWaitMillis) {
        this.ctx = ctx;
        this.writeWaitMillis = writeWaitMillis;
    }

    /** One line; CRLF is added. */
    void line(CharSequence line) {
        ByteBuf out = pending();
        out.writeCharSequence(line, StandardCharsets.UTF_8);
        out.writeByte('\r').writeByte('\n');
        if (out.readableBytes() >= CHUNK) writeChunk();
    }

    /**
     * Bytes as they are. Backpressure: every {@link #CHUNK} the bytes go out, and while the client reads slower
     * than we fetch, we wait for the socket to take them, so {@code FETCH 1:* BODY[]} never holds more than a few
     * chunks in memory. The wait uses the channel's future (completed on the event loop), never one of the
     * session's executor, which is the waiting thread.
     */
    void bytes(byte[] bytes) {
        ByteBuf out = pending();
        out.writeBytes(bytes);
        if (out.readableBytes() >= CHUNK) writeChunk();
    }

    /**
     * {@code prefix}, then {@code length} octets of a blob from {@code offset}, a chunk at a time under the same
     * backpressure as {@link #bytes}. The blob is opened before the prefix goes out; a failure once the literal has
     * begun closes the connection, since the client would read whatever follows as message text.
     */
    void blob(byte[] prefix, BlobStore blobs, String blobId, long offset, long length) throws IOException {
        try (InputStream in = blobs.open(blobId)) {
            in.skipNBytes(offset);
            bytes(prefix);
            try {
                byte[] buffer = new byte[(int) Math.min(CHUNK, Math.max(length, 1))];
                for (long left = length; left > 0; ) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                    if (n < 0) throw new EOFException("message " + blobId + " is shorter than its structure says");
                    pending().writeBytes(buffer, 0, n);
                    left -= n;
                    if (pending.readableBytes() >= CHUNK) writeChunk();
                }
            } catch (IOException | RuntimeException e) {
                ctx.channel().close();
                throw e;
            }
        }
    }

    private ByteBuf pending() {
        if (pending == null) pending = ctx.alloc().buffer(512);
        return pending;
    }

    /** A full chunk goes out now; while the client reads slower than we produce, wait for the socket. */
    private void writeChunk() {
        // The channel's future, completed on the event loop: one of ours would be this thread's to complete.
        ChannelFuture written = ctx.channel().writeAndFlush(pending);
        pending = null;
        if (!ctx.channel().isWritable()) written.awaitUninterruptibly(writeWaitMillis);
    }

    /** Writes what was sent since the last flush, in one write and one flush; nothing when there is nothing. */
    void flush() {
        if (pending == null) return;
        if (pending.isReadable()) {
            ctx.writeAndFlush(pending);
        } else {
            pending.release();
        }
        pending = null;
    }

    /** Flushes what was sent, then closes the connection once it is written. */
    void closeAfterWrite() {
        ByteBuf last = pending == null ? Unpooled.EMPTY_BUFFER : pending;
        pending = null;
        ctx.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
    }

    /** The connection is gone: what was not written is dropped. */
    void release() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }
}
