package org.mailroom.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Cuts command lines out of a decoder's buffer under a length limit (POP3, ManageSieve). A line ends at a line
 * feed; the CR before it is not part of the text, and a bare LF from lenient clients ends a line too. The limit
 * counts the line as if it ended in CRLF, like RFC 2449 section 4 ("255 octets, including the terminating CRLF"),
 * and holds before anything is buffered: as soon as more than the limit waits without a line feed, it is dropped.
 * So at most {@code maxLineLength} octets are ever held. Lines are decoded as UTF-8 (a password may not be ASCII).
 */
public final class LimitedLines {

    /** What a decoder does about a line over the limit, whose bytes so far are dropped. */
    @FunctionalInterface
    public interface TooLong {
        /** @param restToCome the line feed has not come yet: the decoder drops up to it ({@link #skipLine}) */
        void tooLong(boolean restToCome);
    }

    private final int maxLineLength;

    public LimitedLines(int maxLineLength) {
        if (maxLineLength < 3) throw new IllegalArgumentException("max line length below 3: " + maxLineLength);
        this.maxLineLength = maxLineLength;
    }

    /** The next line's text, or null when no whole line waits yet or the line was over the limit. */
    public String next(ByteBuf in, TooLong tooLong) {
        int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            // A valid line has at most maxLineLength - 2 octets of text plus a CR before its LF.
            if (in.readableBytes() > maxLineLength - 1) {
                in.skipBytes(in.readableBytes());
                tooLong.tooLong(true);
            }
            return null;
        }
        int length = lf - in.readerIndex();
        int text = textLength(in, lf);
        if (text + 2 > maxLineLength) {
            in.skipBytes(length + 1);
            tooLong.tooLong(false);
            return null;
        }
        String line = in.toString(in.readerIndex(), text, StandardCharsets.UTF_8);
        in.skipBytes(length + 1);
        return line;
    }

    /** How many octets of text come before the line feed at {@code lf}: without the CR before it, if any. */
    public static int textLength(ByteBuf in, int lf) {
        int length = lf - in.readerIndex();
        return length > 0 && in.getByte(lf - 1) == '\r' ? length - 1 : length;
    }

    /** Drops the bytes up to and including the next line feed; true if the line feed came. */
    public static boolean skipLine(ByteBuf in) {
        int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            in.skipBytes(in.readableBytes());
            return false;
        }
        in.readerIndex(lf + 1);
        return true;
    }
}
