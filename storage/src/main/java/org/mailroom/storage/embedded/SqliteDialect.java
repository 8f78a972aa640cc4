package org.mailroom.storage.embedded;

import static org.mailroom.storage.sql.Rows.ENTRY_COLUMNS;
import static org.mailroom.storage.sql.Rows.MESSAGE_COLUMNS;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.mailroom.core.store.MailQueue;
import org.mailroom.core.store.MessageRecord;
import org.mailroom.storage.sql.Dialect;
import org.mailroom.storage.sql.Rows;
import org.mailroom.storage.sql.Sql;
import org.mailroom.storage.sql.SqlTx;

/**
 * SQLite's spelling of what the shared stores ask. Every write runs on the one writer thread, so nothing is
 * locked: a read inside a write is current until the write ends. Sets of UIDs are asked one by one: each is a
 * primary-key look-up on a prepared statement, in process, with no round trip to save.
 */
final class SqliteDialect implements Dialect {

    static final SqliteDialect INSTANCE = new SqliteDialect();

    private static final String MESSAGE_BY_UID =
            "SELECT " + MESSAGE_COLUMNS + " FROM message WHERE mailbox_id = ? AND uid = ?";

    private SqliteDialect() {
    }

    @Override
    public String forUpdate() {
        return "";
    }

    @Override
    public String insertOrIgnore(String insert) {
        return insert.replaceFirst("^INSERT INTO", "INSERT OR IGNORE INTO");
    }

    @Override
    public String insertOrReplace(String insert, String key, String column) {
        return insert.replaceFirst("^INSERT INTO", "INSERT OR REPLACE INTO");
    }

    @Override
    public String greatest(String a, String b) {
        return "MAX(" + a + ", " + b + ")";
    }

    /** SQLite's own row id grows with every insert. */
    @Override
    public String aliasOrder() {
        return "rowid";
    }

    @Override
    public long nextUidValidity(SqlTx tx, long now) throws SQLException {
        long last = tx.queryLong("SELECT value FROM meta WHERE key = 'uidvalidity'").orElse(0L);
        long uidValidity = Math.max(now, last + 1);
        tx.update("INSERT OR REPLACE INTO meta (key, value) VALUES ('uidvalidity', ?)", uidValidity);
        return uidValidity;
    }

    @Override
    public List<MessageRecord> messages(Sql sql, long mailboxId, Collection<Long> uids, boolean lock)
            throws SQLException {
        List<MessageRecord> found = new ArrayList<>();
        for (long uid : uids) sql.queryOne(MESSAGE_BY_UID, Rows::message, mailboxId, uid).ifPresent(found::add);
        return found;
    }

    @Override
    public List<MessageRecord> deleteMessages(SqlTx tx, long mailboxId, Collection<Long> uids) throws SQLException {
        List<MessageRecord> removed = new ArrayList<>();
        for (long uid : uids) {
            Optional<MessageRecord> found = tx.queryOne(MESSAGE_BY_UID, Rows::message, mailboxId, uid);
            if (found.isEmpty()) continue;
            tx.update("DELETE FROM message WHERE mailbox_id = ? AND uid = ?", mailboxId, uid);
            removed.add(found.get());
        }
        return removed;
    }

    /** The entries' own columns come with the search, then each gets its lease. */
    @Override
    public List<MailQueue.Entry> claimDue(SqlTx tx, long at, long until, int max) throws SQLException {
        List<MailQueue.Entry> due = tx.query("SELECT " + ENTRY_COLUMNS + " FROM queue WHERE next_attempt <= ?"
                + " AND (lease_until IS NULL OR lease_until <= ?) ORDER BY next_attempt, created LIMIT ?",
                Rows::entry, at, at, max);
        for (MailQueue.Entry e : due) tx.update("UPDATE queue SET lease_until = ? WHERE id = ?", until, e.id());
        return due;
    }
}
