package org.mailroom.core.mime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Reads a message line by line (a line ends after LF; CR is part of the terminator when it precedes the LF)
 * and knows the byte offset of every line. Only the first {@link #KEPT} bytes of a line are kept: that is
 * enough for header lines (RFC 5322 allows 998) and boundary lines (RFC 2046: at most 70 characters), and
 * a binary attachment without line ends never grows the heap.
 *
 * <p>The current line can be looked at ({@link #load}) and left for the caller's caller: the MIME parser
 * stops a part at a boundary line without consuming it, so the multipart that owns the boundary sees it.
 */
final class LineReader {

    static final int KEPT = 8192;

    private final InputStream in;
    private final byte[] buf = new byte[16 * 1024];
    private int pos;
    private int limit;
    private boolean eof;
    private int lastByte = -1;

    private long consumed;        // offset of the first byte not yet consumed
    private long lfCount;         // LFs in consumed lines
    private int prevTerm;         // terminator length of the last consumed line

    private boolean loaded;
    private boolean hasLine;
    private final byte[] line = new byte[KEPT];
    private int kept;             // bytes of the current line in line[], terminator included if it fits
    private long length;          // bytes of the current line, terminator included
    private int term;             // 0 (last line without LF), 1 (LF) or 2 (CRLF)

    LineReader(InputStream in) {
        this.in = in;
    }

    /** Reads the current line if needed; false at the end of the input. */
    boolean load() {
        if (loaded) return hasLine;
        loaded = true;
        kept = 0;
        length = 0;
        term = 0;
        while (true) {
            if (pos == limit && !fill()) break;
            int i = pos;
            while (i < limit && buf[i] != '\n') i++;
            boolean found = i < limit;
            int end = found ? i + 1 : limit;
            int n = Math.min(end - pos, KEPT - kept);
            System.arraycopy(buf, pos, line, kept, n);
            kept += n;
            length += end - pos;
            if (found) {
                int before = i > pos ? buf[i - 1] : lastByte;
                term = before == '\r' && length >= 2 ? 2 : 1;
            }
            lastByte = buf[end - 1];
            pos = end;
            if (found) break;
        }
        hasLine = length > 0;
        return hasLine;
    }

    private boolean fill() {
        if (eof) return false;
        try {
            int n;
            do {
                n = in.read(buf, 0, buf.length);
            } while (n == 0);
            if (n < 0) {
                eof = true;
                return false;
            }
            pos = 0;
            limit = n;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void consume() {
        if (!load()) return;
        consumed += length;
        if (term > 0) lfCount++;
        prevTerm = term;
        loaded = false;
    }

    /** Offset of the current line (or of the end, when there is none). */
    long offset() {
        return consumed;
    }

    long lfCount() {
        return lfCount;
    }

    /** Terminator length of the line consumed last: a part ends before the CRLF that precedes a boundary. */
    int prevTerm() {
        return prevTerm;
    }

    byte[] bytes() {
        return line;
    }

    /** Kept bytes of the current line, terminator included when it fitted. */
    int kept() {
        return kept;
    }

    /** Kept bytes of the current line without its terminator. */
    int contentLength() {
        return kept == length ? kept - term : kept;
    }

    /** True when the line was longer than {@link #KEPT}. */
    boolean truncated() {
        return kept < length;
    }

    boolean isBlank() {
        return length == term && term > 0;
    }
}
