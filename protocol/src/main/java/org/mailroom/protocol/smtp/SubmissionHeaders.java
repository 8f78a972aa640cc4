package org.mailroom.protocol.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Holds back the header section of a submitted message until it is complete, so the MSA can look at it (who
 * the From: names) and add what RFC 6409 section 8 lets it add (Message-ID, Date) before anything is spooled.
 * The header section is bounded; the body is never held.
 */
final class SubmissionHeaders {

    /** Larger header sections are refused: no mail client writes them, and we hold them in memory. */
    static final int MAX_HEADER_BYTES = 256 * 1024;
    private static final Pattern ANGLE_ADDRESS = Pattern.compile("<([^<>\\s]+@[^<>\\s]+)>");
    private static final Pattern BARE_ADDRESS = Pattern.compile("([^\\s<>,:;\"()]+@[^\\s<>,:;\"()]+)");

    private final ByteBuf held = Unpooled.buffer(4096);
    private boolean complete;
    private boolean tooLarge;
    private int lineStart;

    /**
     * Takes bytes of the message; returns the bytes past the end of the header section (the body start), if this
     * chunk completed it, else null. Once complete, every chunk is body and passes through.
     */
    ByteBuf offer(ByteBuf chunk) {
        if (complete) return chunk.retainedSlice();
        while (chunk.isReadable()) {
            byte b = chunk.readByte();
            if (held.readableBytes() < MAX_HEADER_BYTES) {
                held.writeByte(b);
            } else {
                tooLarge = true;
            }
            if (b == '\n') {
                int lineLength = held.writerIndex() - lineStart;
                lineStart = held.writerIndex();
                if (lineLength <= 2) { // "\r\n" or "\n": the empty line ends the header section
                    complete = true;
                    return chunk.retainedSlice();
                }
            }
        }
        return null;
    }

    boolean complete() {
        return complete;
    }

    boolean tooLarge() {
        return tooLarge;
    }

    /** The header section as received, with its empty line if there was one. */
    ByteBuf held() {
        return held;
    }

    /** Frees the held bytes; safe to call more than once. */
    void release() {
        if (held.refCnt() > 0) held.release();
    }

    /** The values of every field of that name, unfolded. */
    List<String> fields(String name) {
        List<String> values = new ArrayList<>();
        String text = held.toString(StandardCharsets.UTF_8).replaceAll("\r?\n[ \t]", " ");
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        for (String line : text.split("\r?\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) values.add(line.substring(prefix.length()).trim());
        }
        return values;
    }

    /**
     * The addresses of an address-list field: those in angle brackets, or, where there are none, the bare
     * {@code local@domain} tokens once comments and quoted display names are removed.
     */
    static List<String> addresses(String value) {
        List<String> found = new ArrayList<>();
        Matcher angle = ANGLE_ADDRESS.matcher(value);
        while (angle.find()) found.add(angle.group(1));
        if (!found.isEmpty()) return found;
        String plain = value.replaceAll("\\([^)]*\\)", " ").replaceAll("\"[^\"]*\"", " ");
        Matcher bare = BARE_ADDRESS.matcher(plain);
        while (bare.find()) found.add(bare.group(1));
        return found;
    }
}
