package org.mailroom.core.mime;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored form of a {@link MessageStructure}: a version byte, then the fields in a fixed order with
 * variable-length integers and length-prefixed UTF-8 strings (length + 1, so 0 means null). A simple text
 * message takes about 300 octets. A new version gets a new number; a reader that does not know a version
 * throws, and the store parses the blob again.
 */
final class StructureCodec {

    static final int VERSION = 1;
    private static final int MAX_DEPTH = 2 * MimeParser.MAX_DEPTH + 4;

    private StructureCodec() {}

    static byte[] write(MessageStructure m) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            number(out, m.size());
            MessageHeaders h = m.headers();
            string(out, h.subject());
            number(out, h.date() == null ? 0 : 1);
            if (h.date() != null) {
                out.writeLong(h.date().getEpochSecond());
            }
            for (List<Address> list : List.of(h.from(), h.sender(), h.replyTo(), h.to(), h.cc(), h.bcc())) {
                number(out, list.size());
                for (Address a : list) {
                    string(out, a.name());
                    string(out, a.mailbox());
                    string(out, a.host());
                }
            }
            string(out, h.messageId());
            string(out, h.inReplyTo());
            strings(out, h.references());
            part(out, m.root());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static MessageStructure read(byte[] data) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
            int version = in.readUnsignedByte();
            if (version != VERSION) throw new IllegalArgumentException("unknown structure version " + version);
            long size = number(in);
            String subject = string(in);
            Instant date = number(in) == 1 ? Instant.ofEpochSecond(in.readLong()) : null;
            List<List<Address>> lists = new ArrayList<>();
            for (int k = 0; k < 6; k++) {
                int n = count(in);
                List<Address> list = new ArrayList<>(n);
                for (int j = 0; j < n; j++) list.add(new Address(string(in), string(in), string(in)));
                lists.add(list);
            }
            MessageHeaders headers = new MessageHeaders(subject, date, lists.get(0), lists.get(1), lists.get(2),
                    lists.get(3), lists.get(4), lists.get(5), string(in), string(in), strings(in));
            MimePart root = part(in, 0);
            if (in.read() != -1) throw new IllegalArgumentException("trailing bytes in structure");
            return new MessageStructure(root, size, headers);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("corrupt message structure", e);
        }
    }

    private static void part(DataOutputStream out, MimePart p) throws IOException {
        out.writeByte(p.kind().ordinal());
        string(out, p.type());
        string(out, p.subtype());
        parameters(out, p.parameters());
        string(out, p.contentId());
        string(out, p.description());
        string(out, p.encoding());
        string(out, p.md5());
        string(out, p.disposition());
        parameters(out, p.dispositionParameters());
        strings(out, p.languages());
        string(out, p.location());
        number(out, p.headerOffset());
        number(out, p.headerLength());
        number(out, p.bodyOffset());
        number(out, p.bodyLength());
        number(out, p.lines());
        string(out, p.envelope());
        number(out, p.children().size());
        for (MimePart c : p.children()) part(out, c);
        number(out, p.message() == null ? 0 : 1);
        if (p.message() != null) part(out, p.message());
    }

    private static MimePart part(DataInputStream in, int depth) throws IOException {
        if (depth > MAX_DEPTH) throw new IllegalArgumentException("structure nested too deep");
        MimePart.Kind kind = MimePart.Kind.values()[in.readUnsignedByte()];
        String type = string(in);
        String subtype = string(in);
        List<MimePart.Parameter> params = parameters(in);
        String id = string(in);
        String description = string(in);
        String encoding = string(in);
        String md5 = string(in);
        String disposition = string(in);
        List<MimePart.Parameter> dispositionParams = parameters(in);
        List<String> languages = strings(in);
        String location = string(in);
        long headerOffset = number(in);
        long headerLength = number(in);
        long bodyOffset = number(in);
        long bodyLength = number(in);
        long lines = number(in);
        String envelope = string(in);
        int n = count(in);
        List<MimePart> children = new ArrayList<>(n);
        for (int k = 0; k < n; k++) children.add(part(in, depth + 1));
        MimePart message = number(in) == 1 ? part(in, depth + 1) : null;
        if (kind == MimePart.Kind.MESSAGE && (message == null || message.envelope() == null)) {
            throw new IllegalArgumentException("message part without its message");
        }
        return new MimePart(kind, type, subtype, params, id, description, encoding, md5, disposition,
                dispositionParams, languages, location, headerOffset, headerLength, bodyOffset, bodyLength, lines,
                children, message, envelope);
    }

    private static void parameters(DataOutputStream out, List<MimePart.Parameter> params) throws IOException {
        number(out, params.size());
        for (MimePart.Parameter p : params) {
            string(out, p.name());
            string(out, p.value());
        }
    }

    private static List<MimePart.Parameter> parameters(DataInputStream in) throws IOException {
        int n = count(in);
        List<MimePart.Parameter> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) out.add(new MimePart.Parameter(string(in), string(in)));
        return out;
    }

    private static void strings(DataOutputStream out, List<String> list) throws IOException {
        number(out, list.size());
        for (String s : list) string(out, s);
    }

    private static List<String> strings(DataInputStream in) throws IOException {
        int n = count(in);
        List<String> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) out.add(string(in));
        return out;
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            number(out, 0);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        number(out, b.length + 1L);
        out.write(b);
    }

    private static String string(DataInputStream in) throws IOException {
        long n = number(in);
        if (n == 0) return null;
        if (n - 1 > in.available()) throw new IllegalArgumentException("string longer than the data");
        byte[] b = new byte[(int) (n - 1)];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static int count(DataInputStream in) throws IOException {
        long n = number(in);
        if (n > in.available()) throw new IllegalArgumentException("count larger than the data");
        return (int) n;
    }

    /** Unsigned LEB128. */
    private static void number(DataOutputStream out, long v) throws IOException {
        if (v < 0) throw new IllegalArgumentException("negative");
        while (v >= 0x80) {
            out.writeByte((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    private static long number(DataInputStream in) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7f) << shift;
            if (b < 0x80) return v;
        }
        throw new IllegalArgumentException("number too long");
    }
}
