package org.mailroom.protocol.smtp.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import org.mailroom.protocol.tls.StartTls;

/**
 * Turns the server's bytes into {@link SmtpReply} objects: lines ending in CRLF (a bare LF is accepted from
 * servers), {@code 250-} continues a reply, {@code 250 } ends it (RFC 5321 section 4.2.1).
 *
 * <p>STARTTLS, client side: once the session sent STARTTLS it {@linkplain #armStartTls arms} the decoder
 * with a TLS handler. When the 220 reply has been decoded, the handler goes first in the pipeline right
 * here, on the event loop, so not one later byte is read in plain text. If the server sent more bytes
 * behind the 220 in plain text, a man in the middle may have put them there to be taken for replies
 * protected by TLS (the response-injection twin of CVE-2011-0411): the connection is closed instead.
 */
final class ReplyDecoder extends ByteToMessageDecoder {

    /** RFC 5321 section 4.5.3.1.5 says 512 octets; real servers send longer lines, so be generous. */
    private static final int MAX_LINE = 4096;
    private static final int MAX_LINES = 200;

    private final List<String> lines = new ArrayList<>();
    private volatile SslHandler pendingTls;

    /** After the next reply, if it is 220, TLS starts with this handler. */
    void armStartTls(SslHandler handler) {
        pendingTls = handler;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        while (true) {
            int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
            if (lf < 0) {
                if (in.readableBytes() > MAX_LINE) throw new TooLongFrameException("reply line longer than " + MAX_LINE);
                return;
            }
            int length = lf - in.readerIndex();
            String line = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
            in.readerIndex(lf + 1);
            if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
            if (line.length() < 3 || !Character.isDigit(line.charAt(0)) || !Character.isDigit(line.charAt(1))
                    || !Character.isDigit(line.charAt(2)) || (line.length() > 3 && line.charAt(3) != ' '
                    && line.charAt(3) != '-')) {
                throw new DecoderException("not an SMTP reply: " + printable(line));
            }
            boolean more = line.length() > 3 && line.charAt(3) == '-';
            lines.add(line.length() > 4 ? line.substring(4) : "");
            if (lines.size() > MAX_LINES) throw new TooLongFrameException("reply of more than " + MAX_LINES + " lines");
            if (more) continue;
            SmtpReply reply = new SmtpReply(Integer.parseInt(line.substring(0, 3)), lines);
            lines.clear();
            SslHandler tls = pendingTls;
            if (tls != null) {
                pendingTls = null;
                if (reply.code() == 220) {
                    if (in.isReadable()) {
                        throw new SSLException("server sent " + in.readableBytes()
                                + " bytes in plain text after its STARTTLS reply (possible injection)");
                    }
                    ctx.pipeline().addFirst(StartTls.HANDLER_NAME, tls);
                }
            }
            out.add(reply);
            if (tls != null) return; // anything further arrives through the new handler
        }
    }

    private static String printable(String line) {
        String cut = line.length() > 80 ? line.substring(0, 80) + "..." : line;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
