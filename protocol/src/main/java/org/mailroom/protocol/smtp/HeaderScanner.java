package org.mailroom.protocol.smtp;

import io.netty.buffer.ByteBuf;

/**
 * Counts the {@code Received:} fields of a message's header section as its bytes stream past, in chunks cut
 * anywhere, for loop detection (RFC 5321 section 6.3). Stops looking at the first empty line; keeps no bytes.
 */
final class HeaderScanner {

    private static final String RECEIVED = "received:";

    private boolean inHeaders = true;
    private boolean atLineStart = true;
    /** How many characters of "received:" the current line has matched so far; -1 once it cannot match. */
    private int matched;
    private boolean lineEmptySoFar = true;
    private int received;

    void scan(ByteBuf chunk) {
        for (int i = chunk.readerIndex(); i < chunk.writerIndex() && inHeaders; i++) {
            int c = chunk.getByte(i) & 0xff;
            if (atLineStart) {
                matched = 0;
                lineEmptySoFar = true;
                atLineStart = false;
            }
            if (c == '\n') {
                if (lineEmptySoFar) inHeaders = false; // the blank line ends the header section
                atLineStart = true;
                continue;
            }
            if (c != '\r') lineEmptySoFar = false;
            if (matched >= 0 && matched < RECEIVED.length()) {
                int lower = c >= 'A' && c <= 'Z' ? c + 32 : c;
                if (lower == RECEIVED.charAt(matched)) {
                    matched++;
                    if (matched == RECEIVED.length()) received++;
                } else {
                    matched = -1;
                }
            }
        }
    }

    int receivedHeaders() {
        return received;
    }
}
