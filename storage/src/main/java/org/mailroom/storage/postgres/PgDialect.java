package org.mailroom.storage.postgres;

import static org.mailroom.storage.sql.Rows.ENTRY_COLUMNS;
import static org.mailroom.storage.sql.Rows.MESSAGE_COLUMNS;

import java.sql.SQLException;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.mailroom.core.store.MailQueue;
import org.mailroom.core.store.MessageRecord;
import org.mailroom.storage.sql.Dialect;
import org.mailroom.storage.sql.Rows;
import org.mailroom.storage.sql.Sql;
import org.mailroom.storage.sql.SqlTx;

/**
 * PostgreSQL's spelling of what the shared stores ask. Writers run on every node at once: a read that a write
 * depends on locks its rows ({@code FOR UPDATE}), counters are bumped with {@code UPDATE ... RETURNING} under
 * the row lock, and a set of UIDs goes in one statement ({@code uid = ANY(?)}), one round trip. The
 * {@link Sql} handed in here is always this backend's {@link PgSql}.
 */
final class PgDialect implements Dialect {

    static final PgDialect INSTANCE = new PgDialect();

    private PgDialect() {
    }

    @Override
    public String forUpdate() {
        return " FOR UPDATE";
    }

    @Override
    public String insertOrIgnore(String insert) {
        return insert + " ON CONFLICT DO NOTHING";
    }

    @Override
    public String insertOrReplace(String insert, String key, String column) {
        return insert + " ON CONFLICT (" + key + ") DO UPDATE SET " + column + " = excluded." + column;
    }

    @Override
    public String greatest(String a, String b) {
        return "GREATEST(" + a + ", " + b + ")";
    }

    /** A sequence column, since PostgreSQL rows have no stable insertion order of their own. */
    @Override
    public String aliasOrder() {
        return "seq";
    }

    /** The counter row is shared by all nodes; its row lock orders them. */
    @Override
    public long nextUidValidity(SqlTx tx, long now) throws SQLException {
        return tx.queryLong("UPDATE meta SET value = GREATEST(value + 1, ?) WHERE key = 'uidvalidity'"
                + " RETURNING value", now).orElseThrow();
    }

    @Override
    public List<MessageRecord> messages(Sql sql, long mailboxId, Collection<Long> uids, boolean lock)
            throws SQLException {
        return sql.query("SELECT " + MESSAGE_COLUMNS + " FROM message WHERE mailbox_id = ? AND uid = ANY(?)"
                + " ORDER BY uid" + (lock ? " FOR UPDATE" : ""), Rows::message, mailboxId, ((PgSql) sql).longs(uids));
    }

    @Override
    public List<MessageRecord> deleteMessages(SqlTx tx, long mailboxId, Collection<Long> uids) throws SQLException {
        List<MessageRecord> removed = tx.query("DELETE FROM message WHERE mailbox_id = ? AND uid = ANY(?)"
                + " RETURNING " + MESSAGE_COLUMNS, Rows::message, mailboxId, ((PgSql) tx).longs(uids));
        removed.sort(Comparator.comparingLong(MessageRecord::uid));
        return removed;
    }

    /**
     * Picks due entries with {@code FOR UPDATE SKIP LOCKED} and leases them in the same statement, so two nodes
     * claiming at once take different entries and neither waits for the other.
     */
    @Override
    public List<MailQueue.Entry> claimDue(SqlTx tx, long at, long until, int max) throws SQLException {
        List<MailQueue.Entry> claimed = tx.query("UPDATE queue SET lease_until = ? WHERE id IN (SELECT id FROM queue"
                + " WHERE next_attempt <= ? AND (lease_until IS NULL OR lease_until <= ?)"
                + " ORDER BY next_attempt, created LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING " + ENTRY_COLUMNS,
                Rows::entry, until, at, at, max);
        claimed.sort(Comparator.comparing(MailQueue.Entry::nextAttempt).thenComparing(MailQueue.Entry::created));
        return claimed;
    }
}
