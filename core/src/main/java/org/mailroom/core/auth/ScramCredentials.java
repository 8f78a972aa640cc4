package org.mailroom.core.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * What the server keeps to run SCRAM-SHA-256 (RFC 5802 section 3, RFC 7677) without the clear password:
 * the salt, the iteration count, {@code StoredKey = H(HMAC(SaltedPassword, "Client Key"))} and
 * {@code ServerKey = HMAC(SaltedPassword, "Server Key")}, where {@code SaltedPassword = Hi(SASLprep(password),
 * salt, i)} is PBKDF2-HMAC-SHA-256.
 *
 * <p>Written with the JDK's HMAC and PBKDF2 rather than scram-common: the server side is these few lines plus
 * the message parsing in {@link ScramMechanism}, and the JDK's PBKDF2 is the same primitive every client uses.
 *
 * <p>Like any SCRAM deployment, these keys are cheaper to attack than the argon2id hash (a guess costs
 * {@link #DEFAULT_ITERATIONS} HMACs, not 19 MiB of memory): they are stored next to it only because SCRAM
 * cannot work without them. A stolen StoredKey does not let anyone log in (RFC 5802 section 9).
 */
public record ScramCredentials(byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {

    /** RFC 7677 section 4: at least 4096. Raising it upgrades each account at its next password login. */
    public static final int DEFAULT_ITERATIONS = 4096;
    private static final int SALT_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    public ScramCredentials {
        salt = salt.clone();
        storedKey = storedKey.clone();
        serverKey = serverKey.clone();
        if (iterations < 1) throw new IllegalArgumentException("iterations below 1: " + iterations);
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] storedKey() {
        return storedKey.clone();
    }

    @Override
    public byte[] serverKey() {
        return serverKey.clone();
    }

    /** True when these keys were made with fewer iterations than the current default. */
    public boolean needsUpgrade() {
        return iterations < DEFAULT_ITERATIONS;
    }

    /** Fresh keys for a password: a random salt and the default iteration count. */
    public static ScramCredentials create(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return derive(password, salt, DEFAULT_ITERATIONS);
    }

    /**
     * The keys for a password with the given salt and iterations. The password is prepared with SASLprep
     * (RFC 4013) as clients do; a password SASLprep refuses is used as it is (such a user cannot log in with
     * SCRAM from a conforming client, but PLAIN still works).
     */
    public static ScramCredentials derive(char[] password, byte[] salt, int iterations) {
        char[] prepared = SaslPrep.prepare(password);
        byte[] salted = hi(prepared == null ? password : prepared, salt, iterations);
        if (prepared != null) Arrays.fill(prepared, '\0');
        try {
            byte[] clientKey = hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
            byte[] serverKey = hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII));
            return new ScramCredentials(salt, iterations, sha256(clientKey), serverKey);
        } finally {
            Arrays.fill(salted, (byte) 0);
        }
    }

    /** {@code Hi()} of RFC 5802 section 2.2 is PBKDF2 (RFC 8018) with one block of HMAC-SHA-256. */
    static byte[] hi(char[] password, byte[] salt, int iterations) {
        // The JDK's PBKDF2 turns the chars into UTF-8, as RFC 5802 wants.
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 missing from the JDK", e);
        } finally {
            spec.clearPassword();
        }
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 missing from the JDK", e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScramCredentials
                && iterations == ((ScramCredentials) o).iterations
                && Arrays.equals(salt, ((ScramCredentials) o).salt)
                && Arrays.equals(storedKey, ((ScramCredentials) o).storedKey)
                && Arrays.equals(serverKey, ((ScramCredentials) o).serverKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(storedKey);
    }

    /** Never the keys: they are password equivalents for an offline guesser. */
    @Override
    public String toString() {
        return "ScramCredentials[iterations=" + iterations + "]";
    }
}
