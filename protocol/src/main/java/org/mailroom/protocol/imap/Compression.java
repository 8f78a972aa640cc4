package org.mailroom.protocol.imap;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.compression.JdkZlibDecoder;
import io.netty.handler.codec.compression.JdkZlibEncoder;
import io.netty.handler.codec.compression.ZlibWrapper;
import io.netty.handler.ssl.SslHandler;

/**
 * COMPRESS=DEFLATE (RFC 4978 section 3) in the pipeline: raw deflate (RFC 1951, no zlib header) both ways, placed
 * right after TLS when there is TLS (so TLS carries compressed bytes) or at the socket.
 */
final class Compression {

    /**
     * Most bytes one read of compressed input may inflate to. Text compresses about tenfold; a read is at most 64
     * KiB; an input inflating beyond this is a deflate bomb, and the connection is closed. The decoder behind it
     * still bounds lines and literals.
     */
    private static final int MAX_INFLATED_PER_READ = 16 << 20;

    private Compression() {}

    /**
     * Writes {@code ok} uncompressed, then adds the handlers: one task on the event loop, queued behind every
     * response written before, so no byte passes between them; the client sends compressed data only after the OK.
     * The encoder ends each write with a sync flush, so every response reaches the client whole at once.
     */
    static void start(ChannelHandlerContext ctx, ByteBuf ok) {
        ctx.channel().eventLoop().execute(() -> {
            ctx.writeAndFlush(ok);
            ChannelPipeline pipeline = ctx.pipeline();
            SslHandler tls = pipeline.get(SslHandler.class);
            JdkZlibDecoder inflate = new JdkZlibDecoder(ZlibWrapper.NONE, MAX_INFLATED_PER_READ);
            JdkZlibEncoder deflate = new JdkZlibEncoder(ZlibWrapper.NONE);
            if (tls != null) {
                String after = pipeline.context(tls).name();
                pipeline.addAfter(after, "deflate", deflate);
                pipeline.addAfter(after, "inflate", inflate);
            } else {
                pipeline.addFirst("deflate", deflate);
                pipeline.addFirst("inflate", inflate);
            }
        });
    }
}
