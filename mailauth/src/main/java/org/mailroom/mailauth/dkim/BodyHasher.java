package org.mailroom.mailauth.dkim;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Canonicalizes a body as it streams past (RFC 6376 sections 3.4.3 and 3.4.4) and hashes it with SHA-256, the
 * first {@code l=} octets of the canonical form only when a limit is given (section 3.4.5). Holds no more than a
 * count of pending empty lines and a small output buffer, whatever the body's size.
 *
 * <p>Line ends are CRLF; a bare LF is taken as one too (bodies read from files). A bare CR is data.
 */
public final class BodyHasher {

    private static final byte[] CRLF = {'\r', '\n'};

    private final boolean relaxed;
    private final long limit;
    private final MessageDigest digest;
    private final byte[] out = new byte[8192];
    private int outLength;
    /** Canonical octets produced so far (whether hashed or past the limit). */
    private long produced;
    /** Empty lines seen but not written: they are dropped if nothing but empty lines follows. */
    private long pendingEmptyLines;
    private boolean lineHasContent;
    private boolean pendingSpace;
    private boolean pendingCr;

    /**
     * @param canonicalization the body canonicalization
     * @param limit            the {@code l=} value, or -1 for the whole body
     */
    public BodyHasher(Canonicalization canonicalization, long limit) {
        this.relaxed = canonicalization == Canonicalization.RELAXED;
        this.limit = limit;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has SHA-256", e);
        }
    }

    public void update(byte[] bytes, int offset, int length) {
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            byte b = bytes[i];
            if (!pendingCr && isPlain(b)) {
                // fast path: a run of octets that are neither line ends nor (relaxed) whitespace goes out as is
                int j = i + 1;
                while (j < end && isPlain(bytes[j])) {
                    j++;
                }
                content(bytes[i]);
                putRun(bytes, i + 1, j - i - 1);
                i = j - 1;
                continue;
            }
            if (pendingCr) {
                pendingCr = false;
                if (b == '\n') {
                    endLine();
                    continue;
                }
                content((byte) '\r');
            }
            if (b == '\r') {
                pendingCr = true;
            } else if (b == '\n') {
                endLine();
            } else if (relaxed && (b == ' ' || b == '\t')) {
                pendingSpace = true;
            } else {
                content(b);
            }
        }
    }

    /** Ends the body and gives its hash. */
    public byte[] finish() {
        if (pendingCr) {
            pendingCr = false;
            content((byte) '\r');
        }
        if (lineHasContent) {
            endLine(); // a last line without its CRLF gets one (section 3.4.3 and 3.4.4)
        }
        if (!relaxed && produced == 0) {
            write(CRLF); // simple: an empty body is one CRLF
        }
        flush();
        return digest.digest();
    }

    /** The length of the whole canonical body, known after {@link #finish()}: an {@code l=} beyond it is a lie. */
    public long canonicalLength() {
        return produced;
    }

    private void content(byte b) {
        if (!lineHasContent) {
            while (pendingEmptyLines > 0) {
                write(CRLF);
                pendingEmptyLines--;
            }
            lineHasContent = true;
        }
        if (pendingSpace) {
            pendingSpace = false;
            put((byte) ' ');
        }
        put(b);
    }

    private void endLine() {
        pendingSpace = false; // relaxed: whitespace at the end of a line is dropped
        if (lineHasContent) {
            write(CRLF);
            lineHasContent = false;
        } else {
            pendingEmptyLines++;
        }
    }

    private void write(byte[] bytes) {
        for (byte b : bytes) {
            put(b);
        }
    }

    private void put(byte b) {
        if (limit < 0 || produced < limit) {
            if (outLength == out.length) {
                flush();
            }
            out[outLength++] = b;
        }
        produced++;
    }

    private boolean isPlain(byte b) {
        return b != '\r' && b != '\n' && (!relaxed || (b != ' ' && b != '\t'));
    }

    /** Octets of a line already started, with nothing pending: copied in bulk. */
    private void putRun(byte[] bytes, int offset, int length) {
        long room = limit < 0 ? length : Math.max(0, Math.min(length, limit - produced));
        int copied = 0;
        while (copied < room) {
            if (outLength == out.length) {
                flush();
            }
            int n = (int) Math.min(room - copied, out.length - outLength);
            System.arraycopy(bytes, offset + copied, out, outLength, n);
            outLength += n;
            copied += n;
        }
        produced += length;
    }

    private void flush() {
        digest.update(out, 0, outLength);
        outLength = 0;
    }
}
