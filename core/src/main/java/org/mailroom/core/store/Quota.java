package org.mailroom.core.store;

import java.io.IOException;
import java.util.Objects;

/**
 * One storage limit for every account (configuration key {@code limits.mailbox_quota}): the sum of the sizes of
 * an account's messages, all mailboxes together, may not pass it. IMAP shows it as the STORAGE resource of the
 * quota root "" (RFC 9208) and refuses APPEND and COPY beyond it; local delivery refuses mail beyond it.
 *
 * <p>The check reads the usage and then stores, without a lock between: two deliveries racing past the last
 * free bytes may both be stored. The limit is soft by that much, which RFC 9208 allows (a server may let usage
 * pass a limit), and it keeps the group-committed write path free of a per-account lock.
 *
 * <p>Example: {@code new Quota(store, 100 << 20).allows("alice@example.org", 5000)} is false once Alice's
 * messages take more than 100 MiB minus 5000 bytes.
 */
public final class Quota {

    private final MailStore store;
    private final long limit;

    /** @param limit bytes per account; 0 for none */
    public Quota(MailStore store, long limit) {
        if (limit < 0) throw new IllegalArgumentException("negative quota: " + limit);
        this.store = Objects.requireNonNull(store, "store");
        this.limit = limit;
    }

    /** Whether there is a limit at all; without one every check passes and IMAP shows no quota root. */
    public boolean limited() {
        return limit > 0;
    }

    /** The limit in bytes; 0 for none. */
    public long limit() {
        return limit;
    }

    /** What the account's messages take now, in bytes. */
    public long usage(String account) throws IOException {
        return store.usage(account);
    }

    /** Whether {@code bytes} more still fit within the limit. */
    public boolean allows(String account, long bytes) throws IOException {
        return !limited() || store.usage(account) + bytes <= limit;
    }

    /** Whether the account has no room left at all: even an empty message would not fit. */
    public boolean full(String account) throws IOException {
        return limited() && store.usage(account) >= limit;
    }
}
