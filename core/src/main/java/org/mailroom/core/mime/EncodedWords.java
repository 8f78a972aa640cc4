package org.mailroom.core.mime;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Decodes RFC 2047 encoded words ({@code =?charset?B?...?=}, {@code =?charset?Q?...?=}) in unstructured
 * text and display names. White space between two adjacent encoded words disappears (section 6.2). A word
 * that cannot be decoded (unknown charset, bad syntax) stays as written, so nothing is lost.
 */
public final class EncodedWords {

    private EncodedWords() {}

    public static String decode(String text) {
        if (text == null || !text.contains("=?")) return text;
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        boolean lastEncoded = false;
        while (i < text.length()) {
            int start = text.indexOf("=?", i);
            if (start < 0) {
                out.append(text, i, text.length());
                break;
            }
            int[] end = new int[1];
            String decoded = word(text, start, end);
            if (decoded == null) {
                out.append(text, i, start + 2);
                i = start + 2;
                lastEncoded = false;
                continue;
            }
            String between = text.substring(i, start);
            if (!(lastEncoded && between.isBlank())) out.append(between);
            out.append(decoded);
            i = end[0];
            lastEncoded = true;
        }
        return out.toString();
    }

    /** Decodes the word starting at {@code =?}; null when it is no valid encoded word. */
    private static String word(String s, int start, int[] end) {
        int q1 = s.indexOf('?', start + 2);
        if (q1 < 0 || q1 + 2 >= s.length() || s.charAt(q1 + 2) != '?') return null;
        int close = s.indexOf("?=", q1 + 3);
        if (close < 0) return null;
        String charsetName = s.substring(start + 2, q1);
        int star = charsetName.indexOf('*'); // RFC 2231 section 5: charset*language
        if (star >= 0) charsetName = charsetName.substring(0, star);
        if (charsetName.isEmpty() || charsetName.indexOf(' ') >= 0) return null;
        String payload = s.substring(q1 + 3, close);
        if (payload.indexOf(' ') >= 0) return null;
        Charset charset;
        try {
            charset = Charset.forName(charsetName);
        } catch (RuntimeException e) {
            return null;
        }
        byte[] bytes;
        char enc = s.charAt(q1 + 1);
        if (enc == 'B' || enc == 'b') {
            bytes = base64(payload);
        } else if (enc == 'Q' || enc == 'q') {
            bytes = quoted(payload);
        } else {
            return null;
        }
        if (bytes == null) return null;
        end[0] = close + 2;
        return charset.decode(ByteBuffer.wrap(bytes)).toString();
    }

    private static byte[] base64(String payload) {
        StringBuilder clean = new StringBuilder(payload.length() + 3);
        for (int i = 0; i < payload.length(); i++) {
            char c = payload.charAt(i);
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/') {
                clean.append(c);
            }
        }
        if (clean.length() % 4 == 1) clean.setLength(clean.length() - 1);
        while (clean.length() % 4 != 0) clean.append('=');
        try {
            return Base64.getDecoder().decode(clean.toString());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] quoted(String payload) {
        byte[] raw = payload.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[raw.length];
        int n = 0;
        for (int i = 0; i < raw.length; i++) {
            byte b = raw[i];
            if (b == '_') {
                out[n++] = ' ';
            } else if (b == '=' && i + 2 < raw.length && hex(raw[i + 1]) >= 0 && hex(raw[i + 2]) >= 0) {
                out[n++] = (byte) (hex(raw[i + 1]) * 16 + hex(raw[i + 2]));
                i += 2;
            } else {
                out[n++] = b;
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') return b - '0';
        if (b >= 'A' && b <= 'F') return b - 'A' + 10;
        if (b >= 'a' && b <= 'f') return b - 'a' + 10;
        return -1;
    }
}
