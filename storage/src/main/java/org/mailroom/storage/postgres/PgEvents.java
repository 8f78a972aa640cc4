package org.mailroom.storage.postgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.mailroom.core.store.MailboxEvent;
import org.mailroom.storage.sql.MailboxEvents;
import org.mailroom.storage.sql.MailboxListeners;
import org.mailroom.storage.sql.SqlTx;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mailbox change events across nodes, with PostgreSQL's LISTEN/NOTIFY.
 *
 * <p>A change calls {@link #publish} inside its transaction: that queues a {@code NOTIFY}, which PostgreSQL
 * delivers to every listening node only if and when the transaction commits. The node that made the change
 * does not wait for its own notification: it tells its local listeners right after the commit (so a session
 * sees its own change at once) and ignores the notification when it comes back, recognised by the node id.
 *
 * <p>Each node has one listener connection outside the pool, read by one thread. When that connection breaks
 * (database restart, network), the thread reconnects, listens again, and then tells every subscriber that
 * each of its mailboxes may have changed ({@link MailboxEvent.Kind#MAILBOX_CHANGED}): notifications sent
 * while it was away are lost, and the subscribers re-read what they show.
 *
 * <p>Payload: {@code node TAB account TAB mailboxId TAB kind TAB modseq TAB uid,uid,...}; a long UID list
 * is split over several notifications (PostgreSQL limits a payload to 8000 bytes).
 */
final class PgEvents implements MailboxEvents, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PgEvents.class);
    static final String CHANNEL = "mailroom_events";
    private static final int MAX_UIDS_PER_NOTIFY = 400; // 400 UIDs of up to 10 digits and a comma: < 4.5 KB
    private static final int POLL_MILLIS = 500;
    private static final long RECONNECT_MILLIS = 1_000;

    private final PgDatabase db;
    private final String node;
    private final MailboxListeners listeners = new MailboxListeners();
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean listening;

    PgEvents(PgDatabase db, String node) {
        this.db = db;
        this.node = node;
        this.thread = new Thread(this::listenLoop, "pg-listen " + node);
        thread.setDaemon(true);
        thread.start();
    }

    /** Whether the listener connection is up and listening (for tests and health checks). */
    boolean isListening() {
        return listening;
    }

    @Override
    public AutoCloseable subscribe(String account, Consumer<MailboxEvent> listener) {
        return listeners.subscribe(account, listener);
    }

    /** Queues the event's NOTIFY in the caller's transaction and its local delivery for after the commit. */
    @Override
    public void publish(SqlTx sql, MailboxEvent event) throws SQLException {
        List<Long> uids = event.uids();
        int from = 0;
        do {
            int to = Math.min(uids.size(), from + MAX_UIDS_PER_NOTIFY);
            StringBuilder payload = new StringBuilder().append(node).append('\t').append(event.account())
                    .append('\t').append(event.mailboxId()).append('\t').append(event.kind().name())
                    .append('\t').append(event.modSeq()).append('\t');
            for (int i = from; i < to; i++) {
                if (i > from) payload.append(',');
                payload.append(uids.get(i));
            }
            sql.exists("SELECT pg_notify(?, ?)", CHANNEL, payload.toString());
            from = to;
        } while (from < uids.size());
        listeners.publish(sql, event);
    }

    private void listenLoop() {
        boolean reconnecting = false;
        while (!closed) {
            try (Connection connection = db.dedicatedConnection()) {
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                listening = true;
                if (reconnecting) {
                    log.info("Listening to mailbox changes again");
                    announceEverythingChanged();
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications == null) continue;
                    for (PGNotification n : notifications) received(n.getParameter());
                }
            } catch (SQLException | RuntimeException e) {
                listening = false;
                if (closed) break;
                if (!reconnecting) log.warn("Lost the mailbox change listener connection: {}", e.toString());
                reconnecting = true;
                pause();
            }
        }
        listening = false;
    }

    private void received(String payload) {
        String[] parts = payload.split("\t", -1);
        if (parts.length != 6) {
            log.warn("Ignoring malformed change notification: {}", payload);
            return;
        }
        if (parts[0].equals(node)) return; // ours: delivered locally after the commit
        try {
            List<Long> uids = new ArrayList<>();
            if (!parts[5].isEmpty()) for (String uid : parts[5].split(",")) uids.add(Long.parseLong(uid));
            listeners.deliver(new MailboxEvent(parts[1], Long.parseLong(parts[2]), MailboxEvent.Kind.valueOf(parts[3]), uids,
                    Long.parseLong(parts[4])));
        } catch (IllegalArgumentException e) {
            log.warn("Ignoring malformed change notification: {}", payload);
        }
    }

    /** After an outage of the listener: every subscriber re-reads every mailbox of its account. */
    private void announceEverythingChanged() {
        for (String account : listeners.accounts()) {
            try {
                List<long[]> mailboxes = db.read(sql -> sql.query(
                        "SELECT id, highestmodseq FROM mailbox WHERE account = ?",
                        rs -> new long[] {rs.getLong(1), rs.getLong(2)}, account));
                for (long[] m : mailboxes) {
                    listeners.deliver(new MailboxEvent(account, m[0], MailboxEvent.Kind.MAILBOX_CHANGED, List.of(), m[1]));
                }
            } catch (IOException e) {
                log.warn("Cannot list mailboxes of {} after reconnecting: {}", account, e.toString());
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(RECONNECT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(POLL_MILLIS * 4L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
