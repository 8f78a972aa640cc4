package org.mailroom.protocol.imap;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MessageRecord;

/**
 * A {@link MessageStructureSource} that reads and parses the message each time it is asked: enough for
 * correctness, too slow for big mailboxes. It stands in until the MIME parser of core, which computes the
 * structure once at delivery, is plugged in. Handles multipart (nested) and message/rfc822 parts; no RFC 2231
 * parameter continuations, no RFC 2047 decoding (IMAP sends header text raw anyway).
 */
public final class SimpleMessageStructure implements MessageStructureSource {

    private static final int MAX_DEPTH = 20;

    private final BlobStore blobs;

    public SimpleMessageStructure(BlobStore blobs) {
        this.blobs = blobs;
    }

    /** One MIME entity: where it is, its header, and what it holds. */
    static final class Part {
        int start;
        int bodyStart;
        int end;
        MessageHeaders headers;
        MessageHeaders.ContentType type;
        List<Part> children = List.of();
        Part message;

        boolean multipart() {
            return type.type().equals("multipart") && !children.isEmpty();
        }

        boolean encapsulated() {
            return message != null;
        }
    }

    private record Parsed(byte[] bytes, Part root) {}

    /**
     * The last message parsed: one FETCH asks for ENVELOPE, BODYSTRUCTURE and sections of the same message in a
     * row. Shared by all sessions, hence synchronized; a miss only costs a read.
     */
    private String lastBlobId;
    private Parsed lastParsed;

    private Parsed parse(MessageRecord record) throws IOException {
        synchronized (this) {
            if (record.blobId().equals(lastBlobId)) return lastParsed;
        }
        Parsed parsed = read(record);
        synchronized (this) {
            lastBlobId = record.blobId();
            lastParsed = parsed;
        }
        return parsed;
    }

    private Parsed read(MessageRecord record) throws IOException {
        byte[] bytes;
        try (InputStream in = blobs.open(record.blobId())) {
            bytes = in.readAllBytes();
        }
        return new Parsed(bytes, parse(bytes, 0, bytes.length, "text/plain", 0));
    }

    static Part parse(byte[] b, int start, int end, String defaultType, int depth) {
        Part p = new Part();
        p.start = start;
        p.end = end;
        p.bodyStart = MessageHeaders.bodyStart(b, start, end);
        p.headers = MessageHeaders.parse(b, start, end);
        p.type = MessageHeaders.contentType(p.headers.get("Content-Type"), defaultType);
        if (depth >= MAX_DEPTH) return p;
        String boundary = p.type.parameter("boundary");
        if (p.type.type().equals("multipart") && boundary != null && !boundary.isEmpty()) {
            String childType = p.type.subtype().equals("digest") ? "message/rfc822" : "text/plain";
            List<Part> children = new ArrayList<>();
            for (int[] range : split(b, p.bodyStart, end, boundary)) {
                children.add(parse(b, range[0], range[1], childType, depth + 1));
            }
            p.children = children;
        } else if (p.type.type().equals("message") && p.type.subtype().equals("rfc822")) {
            p.message = parse(b, p.bodyStart, end, "text/plain", depth + 1);
        }
        return p;
    }

    /** The body parts between "--boundary" lines (RFC 2046 section 5.1.1); the CRLF before a delimiter is its own. */
    private static List<int[]> split(byte[] b, int from, int to, String boundary) {
        byte[] delimiter = ("--" + boundary).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        List<int[]> parts = new ArrayList<>();
        int partStart = -1;
        int lineStart = from;
        while (lineStart < to) {
            int lineEnd = lineStart;
            while (lineEnd < to && b[lineEnd] != '\n') lineEnd++;
            int next = Math.min(lineEnd + 1, to);
            if (startsWith(b, lineStart, lineEnd, delimiter)) {
                boolean close = lineStart + delimiter.length + 1 < lineEnd + 1
                        && b[lineStart + delimiter.length] == '-' && lineStart + delimiter.length + 1 < to
                        && b[lineStart + delimiter.length + 1] == '-';
                if (partStart >= 0) {
                    int partEnd = lineStart;
                    if (partEnd > partStart && b[partEnd - 1] == '\n') partEnd--;
                    if (partEnd > partStart && b[partEnd - 1] == '\r') partEnd--;
                    parts.add(new int[] {partStart, Math.max(partStart, partEnd)});
                }
                if (close) return parts;
                partStart = next;
            }
            lineStart = next;
        }
        if (partStart >= 0 && partStart < to) parts.add(new int[] {partStart, to});
        return parts;
    }

    private static boolean startsWith(byte[] b, int from, int to, byte[] prefix) {
        if (to - from < prefix.length) return false;
        return Arrays.equals(b, from, from + prefix.length, prefix, 0, prefix.length);
    }

    @Override
    public String envelope(MessageRecord message) throws IOException {
        return envelope(parse(message).root.headers);
    }

    @Override
    public String bodyStructure(MessageRecord message, boolean extensible) throws IOException {
        Parsed parsed = parse(message);
        return structure(parsed.bytes, parsed.root, extensible);
    }

    @Override
    public Optional<Section> locate(MessageRecord message, String part) throws IOException {
        Part root = parse(message).root;
        if (part.isEmpty()) return Optional.of(new Section(0, 0, root.end, root.bodyStart));
        List<Part> level = partsOf(root);
        Part found = null;
        for (String number : part.split("\\.")) {
            if (level == null) return Optional.empty();
            int n;
            try {
                n = Integer.parseInt(number);
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
            if (n < 1 || n > level.size()) return Optional.empty();
            found = level.get(n - 1);
            level = found.multipart() ? found.children : found.encapsulated() ? partsOf(found.message) : null;
        }
        long messageBody = found.encapsulated() ? found.message.bodyStart : -1;
        return Optional.of(new Section(found.start, found.bodyStart, found.end, messageBody));
    }

    /** A message's parts: the children of a multipart, or the message's own body as part 1. */
    private static List<Part> partsOf(Part message) {
        return message.multipart() ? message.children : List.of(message);
    }

    // ---- formatting ----

    static String structure(byte[] b, Part p, boolean ext) {
        StringBuilder s = new StringBuilder("(");
        if (p.multipart()) {
            for (Part child : p.children) s.append(structure(b, child, ext));
            s.append(' ').append(quote(p.type.subtype().toUpperCase(Locale.ROOT)));
            if (ext) {
                s.append(' ').append(parameters(p.type.parameters())).append(' ').append(disposition(p))
                        .append(' ').append(ImapStrings.nstring(p.headers.get("Content-Language")))
                        .append(' ').append(ImapStrings.nstring(p.headers.get("Content-Location")));
            }
            return s.append(')').toString();
        }
        boolean broken = p.type.type().equals("multipart"); // no boundary found: show it as text
        String type = broken ? "TEXT" : p.type.type().toUpperCase(Locale.ROOT);
        String subtype = broken ? "PLAIN" : p.type.subtype().toUpperCase(Locale.ROOT);
        String encoding = p.headers.get("Content-Transfer-Encoding");
        int size = p.end - p.bodyStart;
        s.append(quote(type)).append(' ').append(quote(subtype)).append(' ')
                .append(parameters(broken ? List.of() : p.type.parameters())).append(' ')
                .append(ImapStrings.nstring(p.headers.get("Content-ID"))).append(' ')
                .append(ImapStrings.nstring(p.headers.get("Content-Description"))).append(' ')
                .append(quote(encoding == null ? "7BIT" : encoding.trim().toUpperCase(Locale.ROOT))).append(' ')
                .append(size);
        if (p.encapsulated()) {
            s.append(' ').append(envelope(p.message.headers)).append(' ').append(structure(b, p.message, ext))
                    .append(' ').append(lines(b, p.bodyStart, p.end));
        } else if (type.equals("TEXT")) {
            s.append(' ').append(lines(b, p.bodyStart, p.end));
        }
        if (ext) {
            s.append(' ').append(ImapStrings.nstring(p.headers.get("Content-MD5"))).append(' ').append(disposition(p))
                    .append(' ').append(ImapStrings.nstring(p.headers.get("Content-Language")))
                    .append(' ').append(ImapStrings.nstring(p.headers.get("Content-Location")));
        }
        return s.append(')').toString();
    }

    private static int lines(byte[] b, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) if (b[i] == '\n') n++;
        if (to > from && b[to - 1] != '\n') n++;
        return n;
    }

    private static String parameters(List<String[]> params) {
        if (params.isEmpty()) return "NIL";
        StringBuilder s = new StringBuilder("(");
        for (String[] p : params) {
            if (s.length() > 1) s.append(' ');
            s.append(quote(p[0].toUpperCase(Locale.ROOT))).append(' ').append(ImapStrings.string(p[1]));
        }
        return s.append(')').toString();
    }

    private static String disposition(Part p) {
        String value = p.headers.get("Content-Disposition");
        if (value == null) return "NIL";
        List<String> parts = MessageHeaders.splitParameters(value);
        return "(" + quote(parts.get(0).trim().toUpperCase(Locale.ROOT)) + " "
                + parameters(MessageHeaders.parameters(parts)) + ")";
    }

    private static String quote(String s) {
        return ImapStrings.string(s);
    }

    static String envelope(MessageHeaders h) {
        String from = h.get("From");
        String sender = h.get("Sender") == null ? from : h.get("Sender");
        String replyTo = h.get("Reply-To") == null ? from : h.get("Reply-To");
        return "(" + ImapStrings.nstring(h.get("Date")) + " " + ImapStrings.nstring(h.get("Subject")) + " "
                + addresses(from) + " " + addresses(sender) + " " + addresses(replyTo) + " "
                + addresses(h.get("To")) + " " + addresses(h.get("Cc")) + " " + addresses(h.get("Bcc")) + " "
                + ImapStrings.nstring(h.get("In-Reply-To")) + " " + ImapStrings.nstring(h.get("Message-ID")) + ")";
    }

    /** An address list (RFC 5322 section 3.4) as IMAP address structures; groups as RFC 9051 section 7.5.2 says. */
    static String addresses(String value) {
        if (value == null || value.isBlank()) return "NIL";
        StringBuilder s = new StringBuilder("(");
        for (String item : splitTopLevel(value, ',')) {
            String text = item.trim();
            if (text.isEmpty()) continue;
            int colon = indexOutsideQuotes(text, ':');
            if (colon > 0 && !text.substring(0, colon).contains("<")) {
                String group = text.substring(0, colon).trim();
                String members = text.substring(colon + 1).trim();
                if (members.endsWith(";")) members = members.substring(0, members.length() - 1);
                s.append("(NIL NIL ").append(ImapStrings.string(unquote(group))).append(" NIL)");
                for (String member : splitTopLevel(members, ',')) {
                    if (!member.isBlank()) s.append(mailbox(member.trim()));
                }
                s.append("(NIL NIL NIL NIL)");
            } else {
                s.append(mailbox(text.endsWith(";") ? text.substring(0, text.length() - 1) : text));
            }
        }
        return s.length() == 1 ? "NIL" : s.append(')').toString();
    }

    private static String mailbox(String text) {
        String name = null;
        String address = text;
        int lt = indexOutsideQuotes(text, '<');
        if (lt >= 0) {
            int gt = text.indexOf('>', lt);
            name = text.substring(0, lt).trim();
            address = text.substring(lt + 1, gt < 0 ? text.length() : gt);
            if (name.isEmpty()) name = null;
        } else {
            address = text.replaceAll("\\([^)]*\\)", "").trim();
        }
        int routeEnd = address.startsWith("@") ? address.indexOf(':') : -1;
        if (routeEnd > 0) address = address.substring(routeEnd + 1);
        address = address.trim();
        int at = address.lastIndexOf('@');
        String local = at < 0 ? address : address.substring(0, at);
        String host = at < 0 ? null : address.substring(at + 1);
        return "(" + ImapStrings.nstring(name == null ? null : unquote(name)) + " NIL "
                + ImapStrings.nstring(unquote(local)) + " " + ImapStrings.nstring(host) + ")";
    }

    private static String unquote(String s) {
        String t = s.trim();
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
            return t.substring(1, t.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return t;
    }

    private static int indexOutsideQuotes(String s, char c) {
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char x = s.charAt(i);
            if (x == '"' && (i == 0 || s.charAt(i - 1) != '\\')) quoted = !quoted;
            else if (x == c && !quoted) return i;
        }
        return -1;
    }

    private static List<String> splitTopLevel(String s, char separator) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        int angle = 0;
        int paren = 0;
        boolean group = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' && (i == 0 || s.charAt(i - 1) != '\\')) quoted = !quoted;
            if (!quoted) {
                if (c == '<') angle++;
                else if (c == '>') angle = Math.max(0, angle - 1);
                else if (c == '(') paren++;
                else if (c == ')') paren = Math.max(0, paren - 1);
                else if (c == ':' && angle == 0 && paren == 0 && separator == ',') group = true;
                else if (c == ';' && group) group = false;
            }
            if (c == separator && !quoted && angle == 0 && paren == 0 && !group) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
