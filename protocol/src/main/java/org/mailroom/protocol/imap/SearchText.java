package org.mailroom.protocol.imap;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import org.mailroom.core.mime.EncodedWords;
import org.mailroom.core.mime.MimePart;
import org.mailroom.core.mime.TransferDecoding;

/**
 * What SEARCH BODY and TEXT compare with (RFC 9051 section 6.4.4): the text the user sees, not the bytes on the
 * wire. Each text/* part is transfer-decoded (base64, quoted-printable) and converted from its charset parameter;
 * parts of other types (images, PDFs, archives) are left out, since their bytes are not text. TEXT adds the
 * header fields, unfolded, with RFC 2047 encoded words decoded, of the message and of messages inside it.
 *
 * <p>Charsets: the part's {@code charset} parameter, through java.nio.charset. None, US-ASCII (mail often carries
 * unlabelled 8-bit text) and names Java does not know are read as UTF-8, whose decoder keeps ASCII as it is and
 * replaces what is not UTF-8; so an unknown charset still matches on its ASCII words. A part whose transfer
 * encoding is unknown is read as it is.
 *
 * <p>Example: a part {@code Content-Type: text/plain; charset=ISO-8859-1} with quoted-printable {@code Gr=FC=DFe}
 * reads "Grüße", so {@code SEARCH CHARSET UTF-8 BODY Grüße} finds it.
 */
public final class SearchText {

    private SearchText() {}

    /** The decoded text of every text part, separated by line ends (BODY). */
    public static String body(byte[] message, MimePart root) {
        StringBuilder out = new StringBuilder();
        appendBody(message, root, false, out);
        return out.toString();
    }

    /** The decoded header and the decoded text parts, with the headers of enclosed messages (TEXT). */
    public static String text(byte[] message, MimePart root) {
        StringBuilder out = new StringBuilder();
        appendHeader(message, root, out);
        appendBody(message, root, true, out);
        return out.toString();
    }

    private static void appendBody(byte[] message, MimePart part, boolean headers, StringBuilder out) {
        switch (part.kind()) {
            case MULTIPART -> {
                for (MimePart child : part.children()) appendBody(message, child, headers, out);
            }
            case MESSAGE -> {
                MimePart inner = part.message();
                if (inner == null) return;
                if (headers) appendHeader(message, inner, out);
                appendBody(message, inner, headers, out);
            }
            case TEXT -> out.append(decodedText(message, part)).append('\n');
            case BASIC -> {
                // Not text: an attachment's bytes would only match by accident.
            }
        }
    }

    /** The part's body, transfer-decoded and converted from its charset. */
    static String decodedText(byte[] message, MimePart part) {
        byte[] raw = slice(message, part.bodyOffset(), part.bodyLength());
        byte[] decoded = TransferDecoding.decode(raw, part.encoding());
        return new String(decoded == null ? raw : decoded, charset(part.parameter("charset")));
    }

    /** Header fields unfolded, one per line, encoded words decoded; the raw bytes read as UTF-8 (RFC 6532). */
    private static void appendHeader(byte[] message, MimePart part, StringBuilder out) {
        String header = new String(slice(message, part.headerOffset(), part.headerLength()), StandardCharsets.UTF_8);
        for (String field : header.split("\r?\n(?![ \t])")) {
            if (field.isBlank()) continue;
            out.append(EncodedWords.decode(field.replaceAll("\r?\n", ""))).append('\n');
        }
    }

    static Charset charset(String name) {
        if (name == null || name.isBlank()) return StandardCharsets.UTF_8;
        try {
            Charset charset = Charset.forName(name.trim());
            return charset.equals(StandardCharsets.US_ASCII) ? StandardCharsets.UTF_8 : charset;
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return StandardCharsets.UTF_8;
        }
    }

    private static byte[] slice(byte[] message, long offset, long length) {
        int from = (int) Math.min(message.length, Math.max(0, offset));
        int to = (int) Math.min(message.length, from + Math.max(0, length));
        return java.util.Arrays.copyOfRange(message, from, to);
    }
}
