package org.mailroom.protocol.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Turns a reply (one line, or several joined by CRLF) into bytes and adds the final CRLF. Message bytes from
 * RETR and TOP are written as {@link ByteBuf}s, already stuffed and terminated, and pass through untouched.
 */
@Sharable
public final class Pop3Encoder extends MessageToMessageEncoder<CharSequence> {

    public Pop3Encoder() {
        super(CharSequence.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, CharSequence reply, List<Object> out) {
        ByteBuf buf = ctx.alloc().buffer(reply.length() + 2);
        buf.writeCharSequence(reply, StandardCharsets.UTF_8);
        buf.writeByte('\r').writeByte('\n');
        out.add(buf);
    }
}
