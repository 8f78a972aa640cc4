package org.mailroom.core.auth;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Strict UTF-8 for SASL messages: malformed input is refused, not replaced. Passwords stay in char arrays. */
final class Utf8 {

    private Utf8() {}

    /** The chars of bytes[from, to), or null if they are not UTF-8. */
    static char[] chars(byte[] bytes, int from, int to) {
        try {
            CharBuffer decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, from, to - from));
            char[] chars = new char[decoded.remaining()];
            decoded.get(chars);
            Arrays.fill(decoded.array(), '\0');
            return chars;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    static String string(byte[] bytes, int from, int to) {
        char[] chars = chars(bytes, from, to);
        return chars == null ? null : new String(chars);
    }

    static int indexOfNul(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) if (bytes[i] == 0) return i;
        return -1;
    }
}
