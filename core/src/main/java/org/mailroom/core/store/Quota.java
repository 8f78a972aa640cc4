package org.mailroom.core.store;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The storage limit of each account: the sum of the sizes of an account's messages, all mailboxes together, may
 * not pass it. The limit is the account's own when the {@link Directory} has one ({@code ./mailroom user quota}),
 * else the default for every account (configuration key {@code limits.mailbox_quota}); 0 means none. IMAP shows
 * it as the STORAGE resource of the quota root "" (RFC 9208) and refuses APPEND and COPY beyond it; local
 * delivery refuses mail beyond it.
 *
 * <p>The check reads the usage and then stores, without a lock between: two deliveries racing past the last
 * free bytes may both be stored. The limit is soft by that much, which RFC 9208 allows (a server may let usage
 * pass a limit), and it keeps the group-committed write path free of a per-account lock.
 *
 * <p>The account's own limit is read from the directory and remembered for a second: RCPT TO and delivery check
 * every recipient's account, and one more database read per recipient and step would cost a sending client with
 * five recipients ten reads per message. So {@code user quota} takes effect within a second. An account the
 * directory does not know (a test's fake, an account removed meanwhile) gets the default.
 *
 * <p>Example: {@code new Quota(store, 100 << 20).allows("alice@example.org", 5000)} is false once Alice's
 * messages take more than 100 MiB minus 5000 bytes.
 */
public final class Quota {

    /** How long an account's own limit is remembered. */
    private static final long REMEMBERED_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Past this many accounts remembered, the memory starts again (bounded whatever the traffic). */
    private static final int REMEMBERED_MAX = 10_000;

    private final MailStore store;
    private final Directory directory;
    private final long defaultLimit;
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();

    /** An account's limit as the directory said it, until {@code expires} ({@link System#nanoTime}). */
    private record Remembered(long limit, long expires) {}

    /** One limit for every account. @param limit bytes per account; 0 for none */
    public Quota(MailStore store, long limit) {
        this(store, null, limit);
    }

    /**
     * @param directory    where accounts' own limits are kept; null for none
     * @param defaultLimit bytes per account without a limit of its own; 0 for none
     */
    public Quota(MailStore store, Directory directory, long defaultLimit) {
        if (defaultLimit < 0) throw new IllegalArgumentException("negative quota: " + defaultLimit);
        this.store = Objects.requireNonNull(store, "store");
        this.directory = directory;
        this.defaultLimit = defaultLimit;
    }

    /** The default limit in bytes, for accounts without their own; 0 for none. */
    public long defaultLimit() {
        return defaultLimit;
    }

    /**
     * Whether some account may have a limit: a default, or a directory that may hold accounts' own. False means
     * every check passes, and callers may skip them (RCPT TO does).
     */
    public boolean limited() {
        return defaultLimit > 0 || directory != null;
    }

    /** The account's limit in bytes (its own, else the default); 0 for none. */
    public long limit(String account) throws IOException {
        if (directory == null) return defaultLimit;
        long now = System.nanoTime();
        Remembered known = remembered.get(account);
        if (known != null && now - known.expires() < 0) return known.limit();
        long limit;
        try {
            limit = directory.quota(account).orElse(defaultLimit);
        } catch (MailStoreException.NotFound e) {
            limit = defaultLimit;
        }
        if (remembered.size() >= REMEMBERED_MAX) remembered.clear();
        remembered.put(account, new Remembered(limit, now + REMEMBERED_NANOS));
        return limit;
    }

    /** Whether the account has a limit at all; without one every check passes and IMAP shows no quota root. */
    public boolean limited(String account) throws IOException {
        return limit(account) > 0;
    }

    /** What the account's messages take now, in bytes. */
    public long usage(String account) throws IOException {
        return store.usage(account);
    }

    /** Whether {@code bytes} more still fit within the account's limit. */
    public boolean allows(String account, long bytes) throws IOException {
        long limit = limit(account);
        return limit <= 0 || store.usage(account) + bytes <= limit;
    }

    /** Whether the account has no room left at all: even an empty message would not fit. */
    public boolean full(String account) throws IOException {
        long limit = limit(account);
        return limit > 0 && store.usage(account) >= limit;
    }
}
