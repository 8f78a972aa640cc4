package org.mailroom.protocol.imap;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory all IMAP connections together may hold in large literals (APPEND's message text is buffered whole
 * until the command ends). Without it, a few clients appending 35 MiB messages at once could run the server out
 * of heap, and every other session with it. A literal that does not fit is refused ({@code NO [LIMIT]}, try
 * again), never waited for: the decoder runs on an event loop shared with other connections.
 *
 * <p>One literal is always admitted when none is held, so that the largest allowed message can be appended on a
 * small heap; literals under {@link #SMALL} are not counted.
 */
public final class LiteralBudget {

    /** Literals below this size are cheap and not counted. */
    static final long SMALL = 1024 * 1024;

    /** Buffered bytes per literal octet: the command buffer and the copy handed to the session. */
    static final int COPIES = 2;

    private final long capacity;
    private final AtomicLong held = new AtomicLong();

    public LiteralBudget(long capacity) {
        this.capacity = capacity;
    }

    /** Half the heap this JVM may grow to. */
    public static LiteralBudget ofHeap() {
        return new LiteralBudget(Runtime.getRuntime().maxMemory() / 2);
    }

    /** No limit (tests of the decoder alone). */
    static LiteralBudget unlimited() {
        return new LiteralBudget(Long.MAX_VALUE);
    }

    /** The bytes to hold for a literal of {@code size} octets; 0 when it is not counted. */
    static long cost(long size) {
        return size < SMALL ? 0 : size * COPIES;
    }

    /** Takes {@code cost} bytes if they fit (or if nothing is held); false to refuse the literal. */
    boolean reserve(long cost) {
        if (cost == 0) return true;
        while (true) {
            long now = held.get();
            if (now > 0 && now + cost > capacity) return false;
            if (held.compareAndSet(now, now + cost)) return true;
        }
    }

    void release(long cost) {
        if (cost > 0) held.addAndGet(-cost);
    }

    /** Bytes held now (for tests). */
    long held() {
        return held.get();
    }
}
