package org.mailroom.protocol.imap;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Mailbox names in modified UTF-7 (RFC 3501 section 5.1.3): printable ASCII stands for itself except '&amp;',
 * written "&amp;-"; other characters are UTF-16 in a modified base64 (',' for '/', no padding) between '&amp;'
 * and '-'. IMAP4rev2 clients that enable UTF8=ACCEPT would send UTF-8; we decode only names that are ASCII.
 */
public final class ModifiedUtf7 {

    private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getDecoder();

    private ModifiedUtf7() {}

    public static String encode(String name) {
        StringBuilder out = new StringBuilder(name.length());
        int i = 0;
        while (i < name.length()) {
            char c = name.charAt(i);
            if (c >= 0x20 && c <= 0x7e) {
                out.append(c == '&' ? "&-" : String.valueOf(c));
                i++;
                continue;
            }
            int start = i;
            while (i < name.length() && (name.charAt(i) < 0x20 || name.charAt(i) > 0x7e)) i++;
            byte[] utf16 = name.substring(start, i).getBytes(StandardCharsets.UTF_16BE);
            out.append('&').append(ENCODER.encodeToString(utf16).replace('/', ',')).append('-');
        }
        return out.toString();
    }

    /** @throws IllegalArgumentException if the name is not valid modified UTF-7 */
    public static String decode(String name) {
        StringBuilder out = new StringBuilder(name.length());
        int i = 0;
        while (i < name.length()) {
            char c = name.charAt(i);
            if (c > 0x7e) {
                // UTF-8 sent as is (some clients do): take it as it is.
                out.append(c);
                i++;
                continue;
            }
            if (c != '&') {
                out.append(c);
                i++;
                continue;
            }
            int end = name.indexOf('-', i + 1);
            if (end < 0) throw new IllegalArgumentException("unterminated '&' in mailbox name");
            if (end == i + 1) {
                out.append('&');
            } else {
                String b64 = name.substring(i + 1, end).replace(',', '/');
                byte[] utf16 = DECODER.decode(b64);
                if (utf16.length % 2 != 0) throw new IllegalArgumentException("bad modified UTF-7");
                out.append(new String(utf16, StandardCharsets.UTF_16BE));
            }
            i = end + 1;
        }
        return out.toString();
    }
}
