package org.mailroom.core.mime;

import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.Locale;

/**
 * Undoes a Content-Transfer-Encoding (RFC 2045 section 6): for IMAP FETCH BINARY (RFC 3516) and SEARCH, and for
 * Sieve's body test.
 */
public final class TransferDecoding {

    private TransferDecoding() {}

    /** @return the decoded bytes, or null for an encoding we do not know or broken base64 (IMAP: [UNKNOWN-CTE]) */
    public static byte[] decode(byte[] body, String encoding) {
        String cte = encoding == null ? "7bit" : encoding.trim().toLowerCase(Locale.ROOT);
        switch (cte) {
            case "7bit", "8bit", "binary" -> {
                return body;
            }
            case "base64" -> {
                try {
                    return Base64.getMimeDecoder().decode(body);
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
            case "quoted-printable" -> {
                return quotedPrintable(body);
            }
            default -> {
                return null;
            }
        }
    }

    /** RFC 2045 section 6.7: =XX is an octet, "=" at the end of a line is a soft line break. */
    private static byte[] quotedPrintable(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        for (int i = 0; i < in.length; i++) {
            byte b = in[i];
            if (b != '=') {
                out.write(b);
                continue;
            }
            if (i + 1 < in.length && in[i + 1] == '\n') {
                i += 1;
            } else if (i + 2 < in.length && in[i + 1] == '\r' && in[i + 2] == '\n') {
                i += 2;
            } else if (i + 2 < in.length && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
                out.write(hex(in[i + 1]) * 16 + hex(in[i + 2]));
                i += 2;
            } else {
                out.write(b); // a lone "=": kept, as RFC 2045 suggests for robustness
            }
        }
        return out.toByteArray();
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') return b - '0';
        if (b >= 'A' && b <= 'F') return b - 'A' + 10;
        if (b >= 'a' && b <= 'f') return b - 'a' + 10;
        return -1;
    }
}
