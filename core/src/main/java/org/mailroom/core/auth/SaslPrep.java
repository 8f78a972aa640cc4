package org.mailroom.core.auth;

import java.text.Normalizer;

/**
 * SASLprep (RFC 4013), the string preparation SCRAM applies to passwords (RFC 5802 section 2.2), so that the
 * server derives the same keys as the client whatever Unicode form the user typed.
 *
 * <p>Mapping (section 2.1): non-ASCII spaces become SPACE, the "commonly mapped to nothing" characters of
 * RFC 3454 table B.1 are removed; then NFKC; then the prohibited characters of section 2.3 refuse the string.
 * XXX: the bidirectional checks of RFC 3454 section 6 are not done; they only refuse odd right-to-left strings,
 * and PLAIN still works for them.
 */
final class SaslPrep {

    private SaslPrep() {}

    /** The prepared password, or null when it holds a prohibited character. */
    static char[] prepare(char[] password) {
        StringBuilder mapped = new StringBuilder(password.length);
        for (int i = 0; i < password.length; ) {
            int cp = Character.codePointAt(password, i);
            i += Character.charCount(cp);
            if (mappedToNothing(cp)) continue;
            if (nonAsciiSpace(cp)) {
                mapped.append(' ');
            } else {
                mapped.appendCodePoint(cp);
            }
        }
        String normalized = Normalizer.normalize(mapped, Normalizer.Form.NFKC);
        mapped.setLength(0);
        for (int i = 0; i < normalized.length(); ) {
            int cp = normalized.codePointAt(i);
            i += Character.charCount(cp);
            if (prohibited(cp)) return null;
        }
        return normalized.toCharArray();
    }

    /** RFC 3454 table C.1.2. */
    private static boolean nonAsciiSpace(int cp) {
        return cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F
                || cp == 0x3000;
    }

    /** RFC 3454 table B.1. */
    private static boolean mappedToNothing(int cp) {
        return cp == 0x00AD || cp == 0x034F || cp == 0x1806 || (cp >= 0x180B && cp <= 0x180D)
                || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF;
    }

    /** RFC 4013 section 2.3: controls, private use, non-characters, surrogates and the like. */
    private static boolean prohibited(int cp) {
        if (nonAsciiSpace(cp)) return true;
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) return true; // C.2.1, C.2.2
        int type = Character.getType(cp);
        if (type == Character.PRIVATE_USE || type == Character.SURROGATE) return true; // C.3, C.5
        if ((cp & 0xFFFE) == 0xFFFE || (cp >= 0xFDD0 && cp <= 0xFDEF)) return true; // C.4
        if (cp >= 0xFFF9 && cp <= 0xFFFD) return true; // C.6
        if (cp >= 0x2FF0 && cp <= 0x2FFB) return true; // C.7
        if (cp == 0x0340 || cp == 0x0341 || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E)
                || (cp >= 0x206A && cp <= 0x206F)) {
            return true; // C.8
        }
        return cp == 0xE0001 || (cp >= 0xE0020 && cp <= 0xE007F); // C.9
    }
}
