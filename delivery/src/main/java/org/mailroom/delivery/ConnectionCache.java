package org.mailroom.delivery;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.mailroom.protocol.smtp.client.SmtpConnection;

/**
 * SMTP connections kept open after a transaction, for the next message to the same hosts, as Postfix's
 * connection cache does: one TCP and TLS handshake for a burst of mail to one site instead of one each.
 *
 * <p>A connection is kept only for a short idle time (a remote server drops silent clients after a few
 * minutes, and an idle connection holds one of its slots) and for a limited number of messages (so one
 * connection does not carry a whole queue while others wait). Idle time is measured on the machine's own
 * monotonic clock, not the queue's injectable one: it is about real sockets.
 *
 * <p>Thread-safe; a connection taken out belongs to that delivery thread until it is kept again.
 */
public final class ConnectionCache implements AutoCloseable {

    /**
     * @param idle            how long an unused connection stays open
     * @param maxTransactions messages on one connection before it is closed
     */
    public record Limits(Duration idle, int maxTransactions) {
        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(5), 100);
    }

    /** A connection between two messages. */
    public static final class Kept {
        private final SmtpConnection connection;
        private final String hostName;
        private final String where;
        private final String tls;
        private String key;
        private int transactions;
        private long idleSince;

        public Kept(SmtpConnection connection, String hostName, String where, String tls) {
            this.connection = connection;
            this.hostName = hostName;
            this.where = where;
            this.tls = tls;
        }

        public SmtpConnection connection() {
            return connection;
        }

        public String hostName() {
            return hostName;
        }

        /** {@code mx.example[192.0.2.1]:25}, for the history. */
        public String where() {
            return where;
        }

        public String tls() {
            return tls;
        }

        String key() {
            return key;
        }

        /** Messages sent on this connection so far. */
        public int transactions() {
            return transactions;
        }
    }

    private final Limits limits;
    private final Map<String, Deque<Kept>> idle = new HashMap<>();
    private boolean closed;

    public ConnectionCache(Limits limits) {
        this.limits = limits;
    }

    /**
     * Keeps {@code k} for the next message to {@code key}, after one more transaction on it.
     *
     * @return false when it is not kept (closed, used enough, cache closed): the caller quits it
     */
    public boolean keep(String key, Kept k) {
        k.transactions++;
        if (!k.connection.isOpen() || k.transactions >= limits.maxTransactions()) return false;
        k.key = key;
        k.idleSince = System.nanoTime();
        synchronized (this) {
            if (closed) return false;
            idle.computeIfAbsent(key, x -> new ArrayDeque<>()).addFirst(k);
        }
        return true;
    }

    /** The most recently used open connection to {@code key}, or null. */
    public Kept take(String key) {
        List<Kept> stale = new ArrayList<>();
        Kept found = null;
        synchronized (this) {
            Deque<Kept> kept = idle.get(key);
            while (kept != null && !kept.isEmpty() && found == null) {
                Kept k = kept.pollFirst();
                if (expired(k) || !k.connection.isOpen()) stale.add(k);
                else found = k;
            }
            if (kept != null && kept.isEmpty()) idle.remove(key);
        }
        for (Kept k : stale) k.connection.quit();
        return found;
    }

    /** QUIT on connections idle for longer than the limit. */
    public void closeIdle() {
        List<Kept> stale = new ArrayList<>();
        synchronized (this) {
            for (Iterator<Deque<Kept>> it = idle.values().iterator(); it.hasNext(); ) {
                Deque<Kept> kept = it.next();
                kept.removeIf(k -> {
                    boolean old = expired(k) || !k.connection.isOpen();
                    if (old) stale.add(k);
                    return old;
                });
                if (kept.isEmpty()) it.remove();
            }
        }
        for (Kept k : stale) k.connection.quit();
    }

    private boolean expired(Kept k) {
        return System.nanoTime() - k.idleSince > limits.idle().toNanos();
    }

    @Override
    public void close() {
        List<Kept> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            idle.values().forEach(all::addAll);
            idle.clear();
        }
        for (Kept k : all) k.connection.quit();
    }
}
