package org.mailroom.protocol.managesieve;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Turns a reply (lines joined by CRLF, literals included) into UTF-8 bytes and adds the final CRLF. */
@Sharable
final class ManageSieveEncoder extends MessageToMessageEncoder<CharSequence> {

    ManageSieveEncoder() {
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
