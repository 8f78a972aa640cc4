package org.mailroom.sieve.run;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mailroom.core.mime.MessageStructure;
import org.mailroom.core.mime.MimePart;
import org.mailroom.core.mime.TransferDecoding;

/**
 * The body as the body test sees it (RFC 5173): {@code :raw} the octets after the header, {@code :content} the
 * decoded parts of the given types, {@code :text} the decoded text parts (HTML reduced to its text). The part tree
 * comes from core's MIME parser; transfer encodings and charsets are undone here.
 */
final class BodyText {

    private final byte[] message;
    private MimePart root;

    BodyText(byte[] message) {
        this.message = message;
    }

    String raw() {
        MimePart r = root();
        int from = (int) Math.min(r.bodyOffset(), message.length);
        return MessageView.decode(java.util.Arrays.copyOfRange(message, from, message.length), message.length - from);
    }

    /** The decoded contents of the leaf parts whose type matches one of {@code types} ("" any, "text", "text/html"). */
    List<String> content(List<String> types) {
        List<String> out = new ArrayList<>();
        collect(root(), types, false, out);
        return out;
    }

    List<String> text() {
        List<String> out = new ArrayList<>();
        collect(root(), List.of("text"), true, out);
        return out;
    }

    private MimePart root() {
        if (root == null) root = MessageStructure.parse(message).root();
        return root;
    }

    private void collect(MimePart p, List<String> types, boolean plain, List<String> out) {
        if (!p.children().isEmpty()) {
            for (MimePart c : p.children()) collect(c, types, plain, out);
            return;
        }
        if (p.message() != null) {
            collect(p.message(), types, plain, out);
            return;
        }
        String type = p.type().toLowerCase(Locale.ROOT);
        String full = type + "/" + p.subtype().toLowerCase(Locale.ROOT);
        boolean wanted = false;
        for (String t : types) {
            String k = t.toLowerCase(Locale.ROOT);
            if (k.isEmpty() || k.equals(type) || k.equals(full)) wanted = true;
        }
        if (!wanted) return;
        String text = decoded(p);
        if (plain && full.equals("text/html")) text = stripHtml(text);
        out.add(text);
    }

    private String decoded(MimePart p) {
        int from = (int) Math.min(p.bodyOffset(), message.length);
        int to = (int) Math.min(p.bodyOffset() + p.bodyLength(), message.length);
        byte[] body = java.util.Arrays.copyOfRange(message, from, to);
        byte[] decoded = TransferDecoding.decode(body, p.encoding());
        // A part in an unknown encoding, or broken base64, is tested as written.
        return charset(p.parameter("charset"), decoded != null ? decoded : body);
    }

    private static String charset(String name, byte[] b) {
        if (name != null) {
            try {
                return new String(b, Charset.forName(name.trim()));
            } catch (RuntimeException e) {
                // unknown charset: fall through to UTF-8 or Latin-1
            }
        }
        return MessageView.decode(b, b.length);
    }

    /** Text of an HTML part: tags dropped, the common entities undone. Good enough to match words against. */
    static String stripHtml(String html) {
        StringBuilder out = new StringBuilder(html.length());
        boolean tag = false;
        for (int i = 0; i < html.length(); i++) {
            char c = html.charAt(i);
            if (c == '<') tag = true;
            else if (c == '>' && tag) {
                tag = false;
                out.append(' ');
            } else if (!tag) out.append(c);
        }
        return out.toString().replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&quot;", "\"").replace("&amp;", "&");
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
