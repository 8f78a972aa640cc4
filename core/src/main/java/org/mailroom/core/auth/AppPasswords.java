package org.mailroom.core.auth;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * App passwords: generated secrets of 16 lower-case letters, shown as four groups ({@code abcd-efgh-ijkl-mnop}),
 * one per device, revocable alone.
 *
 * <p>Why a plain SHA-256 digest and not argon2id: a generated password has 16 random letters, 75 bits of
 * entropy, which no offline guesser can search, so slow hashing adds nothing; and a cheap digest lets a login
 * check all of an account's app passwords with one indexed look-up instead of one argon2id run each.
 * Users may type the groups with dashes, spaces or none, in any case: all spellings give the same digest.
 */
public final class AppPasswords {

    private static final int LETTERS = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private AppPasswords() {}

    /** A new app password, {@code xxxx-xxxx-xxxx-xxxx}. */
    public static char[] generate() {
        char[] out = new char[LETTERS + 3];
        int at = 0;
        for (int i = 0; i < LETTERS; i++) {
            if (i > 0 && i % 4 == 0) out[at++] = '-';
            out[at++] = (char) ('a' + RANDOM.nextInt(26));
        }
        return out;
    }

    /**
     * The digest stored for an app password (hex SHA-256 of its 16 letters in lower case), or null when the text
     * cannot be an app password: then there is no need to look.
     */
    public static String digest(char[] password) {
        char[] letters = new char[LETTERS];
        int n = 0;
        for (char c : password) {
            if (c == '-' || c == ' ') continue;
            char lower = Character.toLowerCase(c);
            if (lower < 'a' || lower > 'z' || n == LETTERS) {
                Arrays.fill(letters, '\0');
                return null;
            }
            letters[n++] = lower;
        }
        if (n != LETTERS) {
            Arrays.fill(letters, '\0');
            return null;
        }
        ByteBuffer bytes = StandardCharsets.US_ASCII.encode(CharBuffer.wrap(letters));
        byte[] raw = new byte[bytes.remaining()];
        bytes.get(raw);
        String hex = HexFormat.of().formatHex(ScramCredentials.sha256(raw));
        Arrays.fill(raw, (byte) 0);
        Arrays.fill(letters, '\0');
        return hex;
    }
}
