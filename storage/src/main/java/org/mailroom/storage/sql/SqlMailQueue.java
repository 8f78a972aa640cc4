package org.mailroom.storage.sql;

import static org.mailroom.storage.StoreValues.canonicalOrAsGiven;
import static org.mailroom.storage.StoreValues.lines;
import static org.mailroom.storage.StoreValues.newQueueId;
import static org.mailroom.storage.StoreValues.notifySet;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.mailroom.core.mail.Dsn;
import org.mailroom.core.store.MailQueue;

/**
 * The outbound queue, in the same database as the mailboxes, so that "is this blob still needed?" is one
 * transaction's question. A row per message, a row per recipient with its state, a row per attempt.
 *
 * <p>Leases: {@link #claimDue} sets {@code lease_until} (with PostgreSQL, skipping entries another node is
 * claiming: see {@link Dialect#skipLocked}); an entry whose lease has run out is due again, so a worker or node that
 * died mid-delivery delays its messages by at most one lease. The price is the documented window of
 * {@link MailQueue}: a remote 250 received but not yet recorded is sent again. {@link #recordAttempt} for an entry
 * deleted meanwhile (by {@code ./mailroom queue delete}) is ignored.
 */
public final class SqlMailQueue implements MailQueue {

    private final Transactions db;
    /** The entry's blob, locked (PostgreSQL): a claim by another node, a flush or a delete waits for this write. */
    private final String lockEntry;
    /** Leases the due entries (next attempt reached, no lease or an expired one), skipping those another node takes. */
    private final String claimDue;

    public SqlMailQueue(Transactions db, Dialect dialect) {
        this.db = db;
        this.lockEntry = "SELECT blob_id FROM queue WHERE id = ?" + dialect.forUpdate();
        this.claimDue = "UPDATE queue SET lease_until = ? WHERE id IN (SELECT id FROM queue WHERE next_attempt <= ?"
                + " AND (lease_until IS NULL OR lease_until <= ?) ORDER BY next_attempt, created LIMIT ?"
                + dialect.skipLocked() + ") RETURNING " + Rows.ENTRY_COLUMNS;
    }

    @Override
    public String enqueue(String blobId, String sender, List<String> recipients, Dsn dsn, Instant now)
            throws IOException {
        return insert(blobId, sender, recipients, dsn, now, null).id();
    }

    @Override
    public Entry enqueueClaimed(String blobId, String sender, List<String> recipients, Dsn dsn, Instant now,
                                Instant leaseUntil) throws IOException {
        return insert(blobId, sender, recipients, dsn, now, leaseUntil);
    }

    /** A new entry, leased when {@code leaseUntil} is not null; returned as {@link #claimDue} would load it. */
    private Entry insert(String blobId, String sender, List<String> recipients, Dsn dsn, Instant now,
                         Instant leaseUntil) throws IOException {
        if (recipients.isEmpty()) throw new IllegalArgumentException("no recipients");
        String id = newQueueId(now);
        List<String> addresses = List.copyOf(recipients);
        Dsn d = dsn == null ? Dsn.NONE : dsn;
        Long lease = leaseUntil == null ? null : leaseUntil.toEpochMilli();
        List<Recipient> pending = new ArrayList<>(addresses.size());
        for (String a : addresses) pending.add(new Recipient(a, RecipientState.PENDING, null));
        Entry entry = new Entry(id, blobId, sender, pending, now, now, 0, null, d, false, List.of());
        return db.write(sql -> {
            sql.nameBlob(blobId);
            sql.update("INSERT INTO queue (id, blob_id, sender, created, next_attempt, envid, ret, lease_until)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", id, blobId, sender, now.toEpochMilli(), now.toEpochMilli(),
                    d.envid(), d.ret() == null ? null : d.ret().name(), lease);
            for (int i = 0; i < addresses.size(); i++) {
                Dsn.RecipientDsn r = d.recipients().get(canonicalOrAsGiven(addresses.get(i)));
                String notify = r == null || r.notifyOn() == null ? null
                        : r.notifyOn().stream().map(Enum::name).sorted().collect(Collectors.joining(","));
                sql.update("INSERT INTO queue_recipient (queue_id, position, address, state, notify, orcpt)"
                        + " VALUES (?, ?, ?, ?, ?, ?)", id, i, addresses.get(i), RecipientState.PENDING.name(),
                        notify, r == null ? null : r.orcpt());
            }
            return entry;
        });
    }

    @Override
    public List<Entry> claimDue(Instant now, int max, Duration lease) throws IOException {
        long at = now.toEpochMilli();
        long until = now.plus(lease).toEpochMilli();
        return db.write(sql -> {
            // One statement picks and leases the due entries and returns their own columns; the order of
            // RETURNING rows is not the subquery's, hence the sort.
            List<Entry> claimed = new ArrayList<>();
            for (Entry e : sql.query(claimDue, Rows::entry, until, at, at, max)) claimed.add(complete(sql, e));
            claimed.sort(Comparator.comparing(Entry::nextAttempt).thenComparing(Entry::created));
            return claimed;
        });
    }

    @Override
    public void extendLeases(List<String> ids, Instant until) throws IOException {
        if (ids.isEmpty()) return;
        List<String> copy = List.copyOf(ids);
        db.write(sql -> {
            for (String id : copy) {
                sql.update("UPDATE queue SET lease_until = ? WHERE id = ? AND lease_until IS NOT NULL",
                        until.toEpochMilli(), id);
            }
            return null;
        });
    }

    @Override
    public void recordAttempt(String id, List<Outcome> outcomes, Instant nextAttempt, String error,
                              List<Attempt> attempts) throws IOException {
        db.write(sql -> {
            Optional<String> blobId = sql.queryOne(lockEntry, rs -> rs.getString(1), id);
            if (blobId.isEmpty()) return null;
            // Most attempts settle every recipient still pending (delivered or failed): the entry then goes with
            // its recipients, and updating each recipient's row first would be wasted work.
            List<String> stillPending = sql.query("SELECT address FROM queue_recipient WHERE queue_id = ? AND state = ?",
                    rs -> rs.getString(1), id, RecipientState.PENDING.name());
            Set<String> settled = new HashSet<>();
            boolean anyPending = false;
            for (Outcome outcome : outcomes) {
                if (outcome.state() == RecipientState.PENDING) anyPending = true;
                else settled.add(outcome.recipient());
            }
            if (!anyPending && settled.containsAll(stillPending)) {
                remove(sql, id, blobId.get());
                return null;
            }
            for (Outcome outcome : outcomes) {
                sql.update("UPDATE queue_recipient SET state = ?, last_reply = ? WHERE queue_id = ? AND address = ?",
                        outcome.state().name(), outcome.reply(), id, outcome.recipient());
            }
            boolean pending = sql.exists("SELECT 1 FROM queue_recipient WHERE queue_id = ? AND state = ?",
                    id, RecipientState.PENDING.name());
            if (!pending) {
                // Done: the entry goes with its history, so the history of this last attempt is not written.
                remove(sql, id, blobId.get());
                return null;
            }
            long seq = sql.queryLong("SELECT COALESCE(MAX(seq), 0) FROM queue_attempt WHERE queue_id = ?", id).orElse(0L);
            for (Attempt a : attempts) {
                sql.update("INSERT INTO queue_attempt (queue_id, seq, at, destination, dns, host, tls, log, result)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", id, ++seq, a.at().toEpochMilli(), a.destination(),
                        String.join("\n", a.dns()), a.host(), a.tls(), String.join("\n", a.log()), a.result());
            }
            sql.update("UPDATE queue SET attempts = attempts + 1, last_error = ?, next_attempt = ?,"
                    + " lease_until = NULL WHERE id = ?", error, nextAttempt.toEpochMilli(), id);
            return null;
        });
    }

    @Override
    public boolean flush(String id, Instant now) throws IOException {
        return db.write(sql -> sql.update("UPDATE queue SET next_attempt = ? WHERE id = ?",
                now.toEpochMilli(), id) > 0);
    }

    @Override
    public boolean markWarned(String id) throws IOException {
        return db.write(sql -> sql.update("UPDATE queue SET warned = TRUE WHERE id = ?", id) > 0);
    }

    @Override
    public Optional<Entry> get(String id) throws IOException {
        return db.read(sql -> load(sql, id));
    }

    @Override
    public Summary summary() throws IOException {
        return db.read(sql -> sql.queryOne("SELECT COUNT(*), MIN(created) FROM queue", rs -> {
            long messages = rs.getLong(1);
            long oldest = rs.getLong(2);
            return new Summary(messages, rs.wasNull() ? null : Instant.ofEpochMilli(oldest));
        }).orElseThrow());
    }

    @Override
    public List<Entry> list() throws IOException {
        return db.read(sql -> {
            List<Entry> entries = new ArrayList<>();
            for (String id : sql.query("SELECT id FROM queue ORDER BY created, id", rs -> rs.getString(1))) {
                load(sql, id).ifPresent(entries::add);
            }
            return entries;
        });
    }

    @Override
    public boolean delete(String id) throws IOException {
        return db.write(sql -> {
            Optional<String> blobId = sql.queryOne(lockEntry, rs -> rs.getString(1), id);
            if (blobId.isEmpty()) return false;
            remove(sql, id, blobId.get());
            return true;
        });
    }

    private static void remove(SqlTx tx, String id, String blobId) throws SQLException {
        tx.update("DELETE FROM queue_recipient WHERE queue_id = ?", id);
        tx.update("DELETE FROM queue_attempt WHERE queue_id = ?", id);
        tx.update("DELETE FROM queue WHERE id = ?", id);
        tx.releaseBlob(blobId);
    }

    private static Optional<Entry> load(Sql sql, String id) throws SQLException {
        Optional<Entry> entry = sql.queryOne("SELECT " + Rows.ENTRY_COLUMNS + " FROM queue WHERE id = ?",
                Rows::entry, id);
        if (entry.isEmpty()) return entry;
        return Optional.of(complete(sql, entry.get()));
    }

    /** The entry with its recipients and, when it was tried before, its history. */
    private static Entry complete(Sql sql, Entry e) throws SQLException {
        String id = e.id();
        Map<String, Dsn.RecipientDsn> dsnByRecipient = new LinkedHashMap<>();
        List<Recipient> recipients = sql.query("SELECT address, state, last_reply, notify, orcpt FROM queue_recipient"
                + " WHERE queue_id = ? ORDER BY position", rs -> {
                    String notify = rs.getString(4);
                    String orcpt = rs.getString(5);
                    if (notify != null || orcpt != null) {
                        dsnByRecipient.put(canonicalOrAsGiven(rs.getString(1)), new Dsn.RecipientDsn(notifySet(notify), orcpt));
                    }
                    return new Recipient(rs.getString(1), RecipientState.valueOf(rs.getString(2)), rs.getString(3));
                }, id);
        // History is written only by an attempt that also counts itself: an entry never tried has none.
        List<Attempt> history = e.attempts() == 0 ? List.of() : sql.query("SELECT at, destination, dns, host, tls,"
                + " log, result FROM queue_attempt WHERE queue_id = ? ORDER BY seq", rs -> new Attempt(Instant.ofEpochMilli(rs.getLong(1)),
                        rs.getString(2), lines(rs.getString(3)), rs.getString(4), rs.getString(5), lines(rs.getString(6)),
                        rs.getString(7)), id);
        Dsn dsn = new Dsn(e.dsn().envid(), e.dsn().ret(), dsnByRecipient);
        return new Entry(e.id(), e.blobId(), e.sender(), recipients, e.created(), e.nextAttempt(),
                e.attempts(), e.lastError(), dsn, e.warned(), history);
    }
}
