package org.mailroom.core.auth;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import org.bouncycastle.crypto.PasswordConverter;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Password hashes: argon2id (RFC 9106) in the PHC string format,
 * {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, salt and hash in standard base64 without padding.
 *
 * <p>The defaults (19 MiB, 2 passes, 1 lane) are OWASP's minimum for argon2id; they cost tens of
 * milliseconds, which is why callers cache successful logins briefly instead of lowering them.
 * Passwords are hashed as UTF-8.
 *
 * <p>Stored hashes are parsed defensively: a malformed string, or one asking for absurd costs (a way to
 * make a single login eat the machine), verifies as false and never throws.
 */
public final class PasswordHash {

    public static final int MEMORY_KIB = 19_456;
    public static final int ITERATIONS = 2;
    public static final int PARALLELISM = 1;

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    /** Upper bounds accepted from a stored string: 1 GiB, 64 passes, 16 lanes. */
    private static final int MAX_MEMORY_KIB = 1 << 20;
    private static final int MAX_ITERATIONS = 64;
    private static final int MAX_PARALLELISM = 16;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    /** A fixed salt for {@link #dummyVerify}: the work is what matters, not the result. */
    private static final byte[] DUMMY_SALT = new byte[SALT_BYTES];

    private PasswordHash() {}

    /** The parts of a PHC string. */
    private record Phc(int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash) {}

    /** Hashes a password with a fresh random salt and the current defaults. */
    public static String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] hash = argon2id(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /** True if the password matches; false for a wrong password and for any malformed or unsupported string. */
    public static boolean verify(String phc, char[] password) {
        Phc parsed = parse(phc);
        if (parsed == null) {
            dummyVerify(password); // same cost either way
            return false;
        }
        byte[] actual = argon2id(password, parsed.salt(), parsed.memoryKib(), parsed.iterations(),
                parsed.parallelism(), parsed.hash().length);
        return MessageDigest.isEqual(actual, parsed.hash()); // constant time
    }

    /** True if the string is malformed or uses weaker parameters than the current defaults. */
    public static boolean needsRehash(String phc) {
        Phc parsed = parse(phc);
        return parsed == null
                || parsed.memoryKib() < MEMORY_KIB
                || parsed.iterations() < ITERATIONS
                || parsed.parallelism() < PARALLELISM
                || parsed.hash().length < HASH_BYTES
                || parsed.salt().length < SALT_BYTES;
    }

    /**
     * Does the work of one verification with the default parameters and throws the result away, so that a
     * login for an unknown user takes as long as one with a wrong password.
     */
    public static void dummyVerify(char[] password) {
        argon2id(password, DUMMY_SALT, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
    }

    private static byte[] argon2id(char[] password, byte[] salt, int memoryKib, int iterations, int parallelism,
                                   int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .withCharToByteConverter(PasswordConverter.UTF8)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] out = new byte[length];
        // BouncyCastle allocates the whole memory cost inside generateBytes (19 MiB with our defaults), so that is
        // what the budget guards: a burst of logins (1,000 clients connecting at once) must not multiply it by
        // the blocking threads. A run dearer than the whole budget runs alone.
        int permits = Math.min(memoryKib, MEMORY_BUDGET_KIB);
        MEMORY.acquireUninterruptibly(permits);
        try {
            generator.generateBytes(password, out);
        } finally {
            MEMORY.release(permits);
        }
        return out;
    }

    /**
     * KiB that argon2id runs may hold at once: one default run per core (more would not finish sooner), but at most
     * a third of the heap, so that a heap limit such as the launcher's {@code -Xmx128m} holds a login burst; at least
     * one run. On 2 cores: two runs, 38 MiB.
     */
    static final int MEMORY_BUDGET_KIB = memoryBudgetKib(Runtime.getRuntime().availableProcessors(),
            Runtime.getRuntime().maxMemory());

    static int memoryBudgetKib(int cores, long maxHeapBytes) {
        long perCores = (long) Math.max(2, cores) * MEMORY_KIB;
        long thirdOfHeap = maxHeapBytes / 3 / 1024;
        return (int) Math.max(MEMORY_KIB, Math.min(perCores, thirdOfHeap));
    }

    /** Permits are KiB of {@link #MEMORY_BUDGET_KIB}; fair, so that a large run is not starved by small ones. */
    private static final Semaphore MEMORY = new Semaphore(MEMORY_BUDGET_KIB, true);

    /** Parses {@code $argon2id$v=19$m=..,t=..,p=..$salt$hash}; null when anything is off. */
    private static Phc parse(String phc) {
        if (phc == null) return null;
        String[] parts = phc.split("\\$", -1);
        // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
        if (parts.length != 6 || !parts[0].isEmpty() || !"argon2id".equals(parts[1]) || !"v=19".equals(parts[2])) {
            return null;
        }
        String[] params = parts[3].split(",", -1);
        if (params.length != 3
                || !params[0].startsWith("m=") || !params[1].startsWith("t=") || !params[2].startsWith("p=")) {
            return null;
        }
        int m = number(params[0].substring(2), MAX_MEMORY_KIB);
        int t = number(params[1].substring(2), MAX_ITERATIONS);
        int p = number(params[2].substring(2), MAX_PARALLELISM);
        // RFC 9106 section 3.1: memory is at least 8 KiB per lane.
        if (m < 0 || t < 1 || p < 1 || m < 8 * p) return null;
        byte[] salt = base64(parts[4]);
        byte[] hash = base64(parts[5]);
        if (salt == null || hash == null || salt.length < 8 || salt.length > 64 || hash.length < 16
                || hash.length > 128) {
            return null;
        }
        return new Phc(m, t, p, salt, hash);
    }

    /** A decimal without sign or leading zero, at most {@code max}; -1 if not. */
    private static int number(String s, int max) {
        if (s.isEmpty() || s.length() > 10 || (s.length() > 1 && s.charAt(0) == '0')) return -1;
        long value = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            value = value * 10 + (c - '0');
        }
        return value > max ? -1 : (int) value;
    }

    private static byte[] base64(String s) {
        // PHC strings use unpadded base64; '=' is refused to keep one spelling per value.
        if (s.isEmpty() || s.indexOf('=') >= 0) return null;
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
