package org.mailroom.core.auth;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Recent successful logins for {@link Authenticator}: HMAC(process key, login NUL password) to the account and
 * its credential stamp, for a short time, at most {@code capacity} entries (the least recently used go first).
 * XXX: someone who can read this process's memory can test guesses against an entry at HMAC speed, not argon2id
 * speed; such a reader sees the passwords on the wire anyway.
 */
final class LoginCache {

    private record Entry(String account, String stamp, long expiresAt) {}

    private final Clock clock;
    private final long ttlMillis;
    private final byte[] secret = new byte[32];
    private final Map<String, Entry> entries;

    LoginCache(Clock clock, Duration ttl, int capacity) {
        if (ttl.isNegative()) throw new IllegalArgumentException("negative cache ttl: " + ttl);
        if (capacity < 1) throw new IllegalArgumentException("cache capacity below 1: " + capacity);
        this.clock = clock;
        this.ttlMillis = ttl.toMillis();
        new SecureRandom().nextBytes(secret);
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > capacity;
            }
        };
    }

    String key(String login, char[] password) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] user = login.getBytes(StandardCharsets.UTF_8);
        byte[] data = new byte[user.length + 1 + encoded.remaining()];
        System.arraycopy(user, 0, data, 0, user.length);
        encoded.get(data, user.length + 1, encoded.remaining());
        try {
            return Base64.getEncoder().encodeToString(ScramCredentials.hmac(secret, data));
        } finally {
            Arrays.fill(data, (byte) 0);
            if (encoded.hasArray()) Arrays.fill(encoded.array(), (byte) 0);
        }
    }

    /** The account of a live entry, or null. */
    synchronized String get(String key) {
        Entry entry = entries.get(key);
        if (entry == null) return null;
        if (clock.millis() >= entry.expiresAt()) {
            entries.remove(key);
            return null;
        }
        return entry.account();
    }

    synchronized boolean stillValid(String key, String stamp) {
        Entry entry = entries.get(key);
        return entry != null && entry.stamp().equals(stamp);
    }

    synchronized void put(String key, String account, String stamp) {
        if (ttlMillis == 0) return;
        entries.put(key, new Entry(account, stamp, clock.millis() + ttlMillis));
    }

    synchronized void remove(String key) {
        entries.remove(key);
    }
}
