package org.mailroom.protocol.smtp.client;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The message as it goes on the wire after DATA (RFC 5321 section 4.5.2): every line ending made CRLF, so no
 * bare CR or LF ever leaves us (a bare one could end our DATA early at a receiver that reads it loosely: SMTP
 * smuggling); a dot at the start of a line doubled; the terminating {@code .CRLF} after a last CRLF.
 *
 * <p>The stored message starts with the {@code Return-Path:} line our SMTP server added for local delivery;
 * relaying drops it, since RFC 5321 section 4.4 reserves that header for final delivery.
 */
public final class WireFormat {

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final int CHUNK = 64 * 1024;
    private static final byte[] RETURN_PATH = "return-path:".getBytes(StandardCharsets.US_ASCII);

    private final InputStream in;
    /** DATA needs dot-stuffing and the final ".CRLF"; BDAT (RFC 3030) sends the octets as they are. */
    private final boolean dotStuffed;
    private boolean lineStart = true;
    private boolean pendingCr;
    private boolean finished;

    private WireFormat(InputStream in, boolean dotStuffed) {
        this.in = in;
        this.dotStuffed = dotStuffed;
    }

    /** For DATA: reads {@code raw} from its start; skips a leading Return-Path line; dot-stuffs; ends with ".CRLF". */
    public static WireFormat of(InputStream raw) throws IOException {
        return new WireFormat(skipReturnPath(raw), true);
    }

    /** For BDAT chunks: as {@link #of} but without dot-stuffing and without the final ".CRLF". */
    public static WireFormat chunked(InputStream raw) throws IOException {
        return new WireFormat(skipReturnPath(raw), false);
    }

    /** True once {@link #next} has returned the last piece. */
    public boolean finished() {
        return finished;
    }

    private static InputStream skipReturnPath(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, CHUNK);
        in.mark(1000);
        byte[] head = in.readNBytes(RETURN_PATH.length);
        boolean returnPath = head.length == RETURN_PATH.length
                && new String(head, StandardCharsets.US_ASCII).equalsIgnoreCase("Return-Path:");
        if (returnPath) {
            int b;
            while ((b = in.read()) >= 0 && b != LF) {
                // the rest of the line, up to and with its LF
            }
        } else {
            in.reset();
        }
        return in;
    }

    /** The next piece of wire bytes, or null after the last one (with DATA: the final {@code .CRLF}). */
    public byte[] next() throws IOException {
        if (finished) return null;
        byte[] raw = in.readNBytes(CHUNK);
        // Worst case every byte grows: a LF becomes CRLF, a leading dot doubles.
        byte[] out = new byte[raw.length * 2 + 8];
        int n = 0;
        for (byte b : raw) {
            if (b == CR) {
                if (pendingCr) {
                    out[n++] = CR;
                    out[n++] = LF;
                    lineStart = true;
                }
                pendingCr = true;
                continue;
            }
            if (b == LF) {
                out[n++] = CR;
                out[n++] = LF;
                pendingCr = false;
                lineStart = true;
                continue;
            }
            if (pendingCr) { // a bare CR ends a line too
                out[n++] = CR;
                out[n++] = LF;
                pendingCr = false;
                lineStart = true;
            }
            if (dotStuffed && lineStart && b == '.') out[n++] = '.';
            out[n++] = b;
            lineStart = false;
        }
        if (raw.length < CHUNK) {
            if (pendingCr || !lineStart) {
                out[n++] = CR;
                out[n++] = LF;
            }
            if (dotStuffed) {
                out[n++] = '.';
                out[n++] = CR;
                out[n++] = LF;
            }
            finished = true;
        }
        return Arrays.copyOf(out, n);
    }

    /** True when the stream has an octet above 127 (then BODY=8BITMIME is due). Reads it to the end. */
    public static boolean hasEightBit(InputStream in) throws IOException {
        byte[] buffer = new byte[CHUNK];
        int n;
        while ((n = in.read(buffer)) > 0) {
            for (int i = 0; i < n; i++) if (buffer[i] < 0) return true;
        }
        return false;
    }
}
