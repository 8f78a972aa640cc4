package org.mailroom.protocol.pop3;

import io.netty.buffer.ByteBuf;
import org.mailroom.protocol.CrlfReplyEncoder;

/**
 * Turns a reply (one line, or several joined by CRLF) into bytes and adds the final CRLF. Message bytes from
 * RETR and TOP are written as {@link ByteBuf}s, already stuffed and terminated, and pass through untouched.
 */
public final class Pop3Encoder extends CrlfReplyEncoder {
}
