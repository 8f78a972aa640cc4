package org.mailroom.core.mime;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One pass over a message, line by line, building the {@link MimePart} tree. Holds at most one header
 * block and the open boundaries in memory, whatever the size of the bodies.
 *
 * <p>Each entity is read the same way: the header up to the blank line, then the body according to the
 * Content-Type: a multipart's parts between its boundaries, a message/rfc822's inner message, or lines up
 * to a boundary line of any enclosing multipart. A boundary line of an outer multipart also ends every
 * inner one (a missing close delimiter is common), and an entity stops without consuming that line, so
 * the multipart owning the boundary sees it.
 *
 * <p>Limits keep a hostile message from costing much: nesting deeper than {@link #MAX_DEPTH} and parts
 * beyond {@link #MAX_PARTS} become opaque application/octet-stream, and a header block keeps its first
 * {@link #MAX_HEADER} octets (the rest still counts in the offsets).
 */
final class MimeParser {

    static final int MAX_DEPTH = 50;
    static final int MAX_PARTS = 5000;
    static final int MAX_HEADER = 256 * 1024;

    private final LineReader in;
    private final List<byte[]> boundaries = new ArrayList<>(); // "--" + boundary, outermost first
    private boolean closeMatched;
    private int parts;
    private byte[] header = new byte[4096];
    private HeaderFields rootHeader;

    MimeParser(InputStream input) {
        this.in = new LineReader(input);
    }

    MimePart parse() {
        return entity(false, 0, true);
    }

    /** The root's header fields, for the decoded {@link MessageHeaders}. */
    HeaderFields rootHeader() {
        return rootHeader;
    }

    private MimePart entity(boolean digestChild, int depth, boolean isMessage) {
        parts++;
        long headerOffset = in.offset();
        HeaderFields h = readHeader();
        if (rootHeader == null) rootHeader = h;
        long bodyOffset = in.offset();
        long lfAtBody = in.lfCount();

        MimeValues.Value ct = MimeValues.contentType(h.first("Content-Type"));
        String encoding = token(h.first("Content-Transfer-Encoding"), "7bit");
        String type;
        String subtype;
        List<MimePart.Parameter> params;
        if (ct == null) {
            // RFC 2045 section 5.2 (missing or invalid), RFC 2046 section 5.1.5 (digest)
            type = digestChild ? "message" : "text";
            subtype = digestChild ? "rfc822" : "plain";
            params = digestChild ? List.of() : List.of(new MimePart.Parameter("charset", "us-ascii"));
        } else {
            type = ct.type();
            subtype = ct.subtype();
            params = ct.parameters();
            if (type.equalsIgnoreCase("text") && !hasCharset(params)) {
                // RFC 2046 section 4.1.2: us-ascii is the default charset; clients read it from here
                params = new ArrayList<>(params);
                params.add(new MimePart.Parameter("charset", "us-ascii"));
            }
        }
        String lowerType = type.toLowerCase(Locale.ROOT);
        String lowerSub = subtype.toLowerCase(Locale.ROOT);
        boolean tooMuch = depth >= MAX_DEPTH || parts > MAX_PARTS;
        String boundary = null;
        if (lowerType.equals("multipart")) {
            for (MimePart.Parameter p : params) {
                if (p.name().equalsIgnoreCase("boundary") && !p.value().isEmpty()) boundary = p.value();
            }
            if (boundary == null) {
                // a multipart without boundary cannot be split: RFC 2045 section 5.2's default
                type = "text";
                subtype = "plain";
                lowerType = "text";
                params = List.of(new MimePart.Parameter("charset", "us-ascii"));
            }
        }
        // Even a base64 message/rfc822 (forbidden by RFC 2046 section 5.2.1) is parsed as a message: its
        // BODYSTRUCTURE must then carry an envelope, which comes out empty, as clients expect the form.
        boolean message = lowerType.equals("message") && (lowerSub.equals("rfc822") || lowerSub.equals("global"));
        if (tooMuch && (boundary != null || message)) {
            type = "application";
            subtype = "octet-stream";
            params = List.of();
            boundary = null;
            message = false;
            lowerType = type;
        }

        MimePart.Kind kind;
        List<MimePart> children = new ArrayList<>();
        MimePart inner = null;
        if (boundary != null) {
            kind = MimePart.Kind.MULTIPART;
            multipartBody(boundary, lowerSub.equals("digest"), depth, children);
        } else if (message) {
            kind = MimePart.Kind.MESSAGE;
            inner = entity(false, depth + 1, true);
        } else {
            kind = lowerType.equals("text") ? MimePart.Kind.TEXT : MimePart.Kind.BASIC;
            skipToBoundary();
        }

        // Where are we? At the end, or at a boundary line whose preceding line end belongs to it.
        long end = in.offset();
        long lfAtEnd = in.lfCount();
        // Never end before what is inside: an empty last part (a delimiter line right before the outer one)
        // starts after that line end already.
        long floor = bodyOffset;
        MimePart last = inner != null ? inner : children.isEmpty() ? null : children.get(children.size() - 1);
        if (last != null) floor = Math.max(floor, last.bodyOffset() + last.bodyLength());
        if (in.load() && in.prevTerm() > 0 && end - in.prevTerm() >= floor) {
            end -= in.prevTerm();
            lfAtEnd--;
        }
        MimeValues.Value disposition = MimeValues.disposition(h.first("Content-Disposition"));
        return new MimePart(kind, type, subtype, params, h.first("Content-ID"), h.first("Content-Description"),
                encoding, h.first("Content-MD5"),
                disposition == null ? null : disposition.type(),
                disposition == null ? List.of() : disposition.parameters(),
                MimeValues.languages(h.first("Content-Language")), h.first("Content-Location"),
                headerOffset, bodyOffset - headerOffset, bodyOffset, end - bodyOffset, lfAtEnd - lfAtBody,
                children, inner, isMessage ? EnvelopeWriter.render(h) : null);
    }

    private static boolean hasCharset(List<MimePart.Parameter> params) {
        for (MimePart.Parameter p : params) {
            if (p.name().equalsIgnoreCase("charset")) return true;
        }
        return false;
    }

    private static String token(String value, String absent) {
        if (value == null) return absent;
        int cut = value.indexOf('(');
        String v = (cut >= 0 ? value.substring(0, cut) : value).strip();
        return v.isEmpty() ? absent : v;
    }

    /** Reads the header block: up to and including the blank line, or up to a boundary line or the end. */
    private HeaderFields readHeader() {
        int length = 0;
        while (in.load()) {
            if (in.isBlank()) {
                in.consume();
                break;
            }
            if (matchBoundary() >= 0) break;
            int n = Math.min(in.kept(), MAX_HEADER - length);
            if (n > 0) {
                if (length + n > header.length) {
                    header = Arrays.copyOf(header, Math.max(header.length * 2, length + n));
                }
                System.arraycopy(in.bytes(), 0, header, length, n);
                length += n;
                // a cut line keeps a line end, so the next line is not glued to it
                if (in.truncated() && length < header.length) header[length++] = '\n';
            }
            in.consume();
        }
        return HeaderFields.parse(header, length);
    }

    private void multipartBody(String boundary, boolean digest, int depth, List<MimePart> children) {
        int own = boundaries.size();
        boundaries.add(("--" + boundary).getBytes(StandardCharsets.UTF_8));
        boolean open = false;
        try {
            // the preamble, up to the first delimiter
            while (in.load()) {
                int m = matchBoundary();
                if (m < 0) {
                    in.consume();
                    continue;
                }
                if (m < own) return;
                boolean close = closeMatched;
                in.consume();
                if (close) break;
                open = true;
                break;
            }
            while (open) {
                if (parts >= MAX_PARTS) break;
                children.add(entity(digest, depth + 1, false));
                if (!in.load() || matchBoundary() != own) return; // the end, or an outer boundary
                boolean close = closeMatched;
                in.consume();
                if (close) break;
            }
        } finally {
            boundaries.remove(own);
        }
        // the epilogue (or what is left after MAX_PARTS): our own boundary means nothing any more
        skipToBoundary();
    }

    private void skipToBoundary() {
        while (in.load() && matchBoundary() < 0) in.consume();
    }

    /**
     * The index of the open boundary that the current line is a delimiter of, innermost first, or -1.
     * A delimiter is "--boundary", then "--" for the close delimiter, then only white space (RFC 2046
     * section 5.1.1); text after a close delimiter is tolerated.
     */
    private int matchBoundary() {
        int n = in.contentLength();
        byte[] b = in.bytes();
        if (boundaries.isEmpty() || n < 2 || b[0] != '-' || b[1] != '-') return -1;
        for (int k = boundaries.size() - 1; k >= 0; k--) {
            byte[] d = boundaries.get(k);
            if (n < d.length) continue;
            boolean same = true;
            for (int j = 2; j < d.length && same; j++) same = b[j] == d[j];
            if (!same) continue;
            int rest = d.length;
            if (rest + 2 <= n && b[rest] == '-' && b[rest + 1] == '-') {
                closeMatched = true;
                return k;
            }
            boolean blank = true;
            for (int j = rest; j < n && blank; j++) blank = b[j] == ' ' || b[j] == '\t' || b[j] == '\r';
            if (blank) {
                closeMatched = false;
                return k;
            }
        }
        return -1;
    }
}
