package org.mailroom.protocol.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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

    private static final Pattern FOLD = Pattern.compile("\r?\n[ \t]");
    private static final Pattern LINE = Pattern.compile("\r?\n");
    private static final Pattern COMMENT = Pattern.compile("\\([^)]*\\)");
    private static final Pattern QUOTED = Pattern.compile("\"[^\"]*\"");

    private final ByteBuf held = Unpooled.buffer(4096);
    private boolean complete;
    private boolean tooLarge;
    /** Octets of the current line so far, with its line end once seen. */
    private int lineLength;
    /** The header section's lines, unfolded; made once, when first asked for. */
    private List<String> unfolded;

    /**
     * Takes bytes of the message; returns the bytes past the end of the header section (the body start), if this
     * chunk completed it, else null. Once complete, every chunk is body and passes through.
     */
    ByteBuf offer(ByteBuf chunk) {
        if (complete) return chunk.retainedSlice();
        while (chunk.isReadable()) {
            int start = chunk.readerIndex();
            int lf = chunk.indexOf(start, chunk.writerIndex(), (byte) '\n');
            int end = lf < 0 ? chunk.writerIndex() : lf + 1;
            int room = MAX_HEADER_BYTES - held.readableBytes();
            if (end - start > room) {
                tooLarge = true;
                held.writeBytes(chunk, start, Math.max(0, room));
                chunk.readerIndex(end);
            } else {
                held.writeBytes(chunk, end - start);
            }
            lineLength += end - start;
            if (lf < 0) break;
            boolean empty = lineLength <= 2; // "\r\n" or "\n": the empty line ends the header section
            lineLength = 0;
            if (empty) {
                complete = true;
                return chunk.retainedSlice();
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
        if (unfolded == null) {
            String text = FOLD.matcher(held.toString(StandardCharsets.UTF_8)).replaceAll(" ");
            unfolded = List.of(LINE.split(text));
        }
        List<String> values = new ArrayList<>();
        for (String line : unfolded) {
            if (line.length() > name.length() && line.charAt(name.length()) == ':'
                    && line.regionMatches(true, 0, name, 0, name.length())) {
                values.add(line.substring(name.length() + 1).trim());
            }
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
        String plain = QUOTED.matcher(COMMENT.matcher(value).replaceAll(" ")).replaceAll(" ");
        Matcher bare = BARE_ADDRESS.matcher(plain);
        while (bare.find()) found.add(bare.group(1));
        return found;
    }
}
