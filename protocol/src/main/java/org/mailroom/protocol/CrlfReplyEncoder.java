package org.mailroom.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Turns a reply of a line-based protocol (one line, or several joined by CRLF) into UTF-8 bytes and adds the final
 * CRLF. Anything else written, such as message bytes already terminated, passes through untouched.
 */
@Sharable
public class CrlfReplyEncoder extends MessageToMessageEncoder<CharSequence> {

    public CrlfReplyEncoder() {
        super(CharSequence.class);
    }

    @Override
    protected final void encode(ChannelHandlerContext ctx, CharSequence reply, List<Object> out) {
        ByteBuf buf = ctx.alloc().buffer(reply.length() + 2);
        buf.writeCharSequence(reply, StandardCharsets.UTF_8);
        buf.writeByte('\r').writeByte('\n');
        out.add(buf);
    }
}
