package org.mailroom.protocol.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Predicate;
import org.mailroom.core.store.BlobStore;

/**
 * Copies a message into a blob, leaving out the {@code Authentication-Results} header fields that claim our
 * authserv-id (RFC 8601 section 5: forged, or left by an earlier hop under our name) and nothing else: every
 * other byte is copied as it is, so signatures over the other fields still verify downstream.
 *
 * <p>Memory stays bounded whatever the input: lines are read in pieces of at most {@link #MAX_PIECE} octets, and
 * only the first {@link #MAX_HELD} octets of an Authentication-Results field are held to decide (its authserv-id
 * comes first). The body is copied in large blocks without looking at it.
 */
final class AuthResultsFilter {

    static final int MAX_PIECE = 16 * 1024;
    static final int MAX_HELD = 8 * 1024;
    private static final byte[] NAME = "authentication-results:".getBytes(StandardCharsets.US_ASCII);

    /** What happens to the bytes of the current header field. */
    private enum Disposition { COPY, HOLD, DROP }

    private final Predicate<String> claimsOurId;
    private final InputStream in;
    private final BlobStore.BlobWriter out;
    private final byte[] piece = new byte[MAX_PIECE];
    private byte[] held = new byte[1024];
    private int heldLength;
    private Disposition field = Disposition.COPY;
    private int removed;

    private AuthResultsFilter(Predicate<String> claimsOurId, InputStream in, BlobStore.BlobWriter out) {
        this.claimsOurId = claimsOurId;
        this.in = in;
        this.out = out;
    }

    /**
     * Copies {@code in} to {@code out}; returns how many fields were left out.
     *
     * @param claimsOurId given the value of an Authentication-Results field (after the colon, unfolded), whether
     *                    it names our authserv-id
     */
    static int copy(InputStream in, BlobStore.BlobWriter out, Predicate<String> claimsOurId) throws IOException {
        return new AuthResultsFilter(claimsOurId, in, out).run();
    }

    private int run() throws IOException {
        boolean lineStart = true;
        while (true) {
            int n = readPiece();
            if (n == 0) break;
            boolean wholeLine = piece[n - 1] == '\n';
            if (lineStart && isEmptyLine(n)) {
                decide();
                out.write(ByteBuffer.wrap(piece, 0, n));
                copyRest();
                return removed;
            }
            if (lineStart && piece[0] != ' ' && piece[0] != '\t') {
                decide(); // a new field starts: the previous one is complete
                field = startsWithName(n) ? Disposition.HOLD : Disposition.COPY;
            }
            switch (field) {
                case COPY -> out.write(ByteBuffer.wrap(piece, 0, n));
                case HOLD -> {
                    hold(n);
                    if (heldLength >= MAX_HELD) decide(); // enough to see the authserv-id
                }
                case DROP -> { }
            }
            lineStart = wholeLine;
        }
        decide(); // a message that is all header section
        return removed;
    }

    /** The held field is complete (or long enough): it goes out, or is left out from here on. */
    private void decide() throws IOException {
        if (field != Disposition.HOLD) return;
        String text = new String(held, 0, heldLength, StandardCharsets.UTF_8);
        String value = text.substring(NAME.length).replaceAll("\r?\n", "");
        boolean ours;
        try {
            ours = claimsOurId.test(value);
        } catch (RuntimeException e) {
            ours = true; // unreadable under our name or not: dropping a results field costs the user nothing
        }
        if (ours) {
            removed++;
            field = Disposition.DROP;
        } else {
            out.write(ByteBuffer.wrap(held, 0, heldLength));
            field = Disposition.COPY;
        }
        heldLength = 0;
    }

    private void hold(int n) {
        if (heldLength + n > held.length) held = Arrays.copyOf(held, Math.max(held.length * 2, heldLength + n));
        System.arraycopy(piece, 0, held, heldLength, n);
        heldLength += n;
    }

    /** Reads up to and including the next LF, or MAX_PIECE octets, or to the end; returns the count (0: end). */
    private int readPiece() throws IOException {
        int n = 0;
        while (n < piece.length) {
            int b = in.read();
            if (b < 0) break;
            piece[n++] = (byte) b;
            if (b == '\n') break;
        }
        return n;
    }

    private void copyRest() throws IOException {
        byte[] block = new byte[64 * 1024];
        int n;
        while ((n = in.read(block)) > 0) out.write(ByteBuffer.wrap(block, 0, n));
    }

    private boolean isEmptyLine(int n) {
        return (n == 1 && piece[0] == '\n') || (n == 2 && piece[0] == '\r' && piece[1] == '\n');
    }

    private boolean startsWithName(int n) {
        if (n < NAME.length) return false;
        for (int i = 0; i < NAME.length; i++) {
            int c = piece[i];
            if (c >= 'A' && c <= 'Z') c += 32;
            if (c != NAME[i]) return false;
        }
        return true;
    }
}
