package org.mailroom.protocol.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.DefaultByteBufHolder;

/** What {@link SmtpDecoder} hands to {@link SmtpSession}: command lines, message data, and their faults. */
sealed interface SmtpInput {

    /**
     * A command line without its line ending.
     *
     * @param followedByMore whether more bytes had already arrived behind it (pipelining, RFC 2920)
     */
    record CommandLine(String text, boolean followedByMore) implements SmtpInput {}

    /** The client sent something before our greeting. */
    record EarlyTalker() implements SmtpInput {}

    /** A command line longer than the limit; its bytes were discarded up to the line end. */
    record CommandTooLong() implements SmtpInput {}

    /** Message bytes, dot-unstuffed, with their CRLF line ends. The receiver must release it. */
    final class DataChunk extends DefaultByteBufHolder implements SmtpInput {
        DataChunk(ByteBuf content) {
            super(content);
        }

        @Override
        public ByteBufHolder replace(ByteBuf content) {
            return new DataChunk(content);
        }
    }

    /**
     * The end of the data ({@code <CRLF>.<CRLF>}), with what the decoder saw on the way.
     *
     * @param size           octets of the message as stored (unstuffed), counting also what was discarded
     * @param tooBig         more than the size limit arrived; the excess was discarded
     * @param longLine       a line was longer than the text line limit (RFC 5321 section 4.5.3.1.6)
     * @param bareLineEnding a CR or LF that was not part of a CRLF pair (SMTP smuggling, CVE-2023-51764)
     */
    record DataEnd(long size, boolean tooBig, boolean longLine, boolean bareLineEnding) implements SmtpInput {}

    /** The last octet of a BDAT chunk has been handed on. */
    record ChunkEnd() implements SmtpInput {}
}
