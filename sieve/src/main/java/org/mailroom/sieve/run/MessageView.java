package org.mailroom.sieve.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.mailroom.core.mime.EncodedWords;
import org.mailroom.sieve.SieveMessage;

/**
 * The message as the tests see it: the header section read once, on the first test that needs it (a script that
 * only files by envelope never reads the message), with the editheader changes applied; the whole message read
 * only when a body test asks for it.
 */
final class MessageView {

    /** Header sections larger than this are cut: RFC 5322 fields are short, and a script must stay cheap. */
    static final int MAX_HEADER = 256 * 1024;
    /** Body tests see at most this much of a message. */
    static final int MAX_MESSAGE = 16 * 1024 * 1024;

    /** One field, unfolded; the RFC 2047-decoded value is made when first asked for. */
    static final class Field {
        final String name;
        final String value;
        private String decoded;
        private List<String> addresses;

        Field(String name, String value) {
            this.name = name;
            this.value = value;
        }

        String decoded() {
            if (decoded == null) decoded = value.contains("=?") ? EncodedWords.decode(value) : value;
            return decoded;
        }

        /** The addr-specs of the value, parsed when first asked for (address tests, vacation). */
        List<String> addresses() {
            if (addresses == null) addresses = Addresses.parse(value);
            return addresses;
        }
    }

    private final SieveMessage message;
    private List<Field> fields;
    private byte[] whole;
    private BodyText body;

    MessageView(SieveMessage message) {
        this.message = message;
    }

    List<Field> fields() {
        if (fields == null) fields = readHeader();
        return fields;
    }

    /** The fields of that name, in order. */
    List<Field> fields(String name) {
        List<Field> out = new ArrayList<>(2);
        for (Field f : fields()) if (f.name.equalsIgnoreCase(name)) out.add(f);
        return out;
    }

    /** The unfolded value of the first field of that name, or null. */
    String first(String name) {
        for (Field f : fields()) if (f.name.equalsIgnoreCase(name)) return f.value;
        return null;
    }

    void add(String name, String value, boolean last) {
        Field f = new Field(name, value);
        if (last) fields().add(f);
        else fields().add(0, f);
    }

    void remove(Field f) {
        fields().remove(f);
    }

    BodyText body() {
        if (body == null) body = new BodyText(whole());
        return body;
    }

    private byte[] whole() {
        if (whole == null) {
            try (InputStream in = message.open()) {
                whole = in.readNBytes(MAX_MESSAGE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return whole;
    }

    private List<Field> readHeader() {
        byte[] buf = new byte[8192];
        int n = 0;
        int scanned = 0;
        try (InputStream in = message.open()) {
            while (n < MAX_HEADER) {
                if (n == buf.length) buf = java.util.Arrays.copyOf(buf, Math.min(buf.length * 2, MAX_HEADER));
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) break;
                n += r;
                int end = headerEnd(buf, n, Math.max(0, scanned - 3));
                if (end >= 0) return parse(buf, end);
                scanned = n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parse(buf, n);
    }

    /** Offset of the blank line that ends the header (LF LF or LF CR LF), or -1. */
    private static int headerEnd(byte[] b, int length, int from) {
        if (length > 0 && (b[0] == '\n' || length > 1 && b[0] == '\r' && b[1] == '\n')) return 0;
        for (int i = from; i < length - 1; i++) {
            if (b[i] == '\n' && (b[i + 1] == '\n' || b[i + 1] == '\r' && i + 2 < length && b[i + 2] == '\n')) return i + 1;
        }
        return -1;
    }

    static List<Field> parse(byte[] b, int length) {
        String text = decode(b, length);
        List<Field> out = new ArrayList<>(32);
        StringBuilder current = null;
        int i = 0;
        while (i < text.length()) {
            int nl = text.indexOf('\n', i);
            int end = nl < 0 ? text.length() : nl;
            int next = nl < 0 ? text.length() : nl + 1;
            if (end > i && text.charAt(end - 1) == '\r') end--;
            if (end > i && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
                if (current != null) current.append(text, i, end); // a continuation line: unfold
            } else {
                if (current != null) out.add(field(current));
                if (end == i) return out; // the blank line that ends the header
                int colon = text.indexOf(':', i);
                current = colon > i && colon < end ? new StringBuilder(end - i).append(text, i, end) : null;
            }
            i = next;
        }
        if (current != null) out.add(field(current));
        return out;
    }

    private static Field field(CharSequence line) {
        String s = line.toString();
        int colon = s.indexOf(':');
        return new Field(s.substring(0, colon).trim(), s.substring(colon + 1).trim());
    }

    /** UTF-8 when valid (RFC 6532), else ISO-8859-1 so legacy 8-bit headers keep their letters. */
    static String decode(byte[] b, int length) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, 0, length)).toString();
        } catch (CharacterCodingException e) {
            return new String(b, 0, length, StandardCharsets.ISO_8859_1);
        }
    }
}
