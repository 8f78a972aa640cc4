package org.mailroom.storage.embedded;

import static org.mailroom.storage.StoreValues.encodeFlags;
import static org.mailroom.storage.sql.Rows.MESSAGE_COLUMNS;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.mailroom.core.store.MessageRecord;
import org.mailroom.storage.sql.Dialect;
import org.mailroom.storage.sql.Rows;
import org.mailroom.storage.sql.Sql;
import org.mailroom.storage.sql.SqlTx;

/**
 * SQLite's spelling of what the shared stores ask. Every write runs on the one writer thread, so nothing is
 * locked: a read inside a write is current until the write ends. Sets of UIDs are read and written one by one:
 * each is a primary-key look-up on a prepared statement, in process, with no round trip to save.
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
    public String skipLocked() {
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

    /** The next value of one counter in {@code meta}, shared by all owners. */
    @Override
    public void bumpSieveVersion(SqlTx tx, String owner) throws SQLException {
        tx.update("UPDATE meta SET value = value + 1 WHERE key = 'sieve_version'");
        tx.update("INSERT OR REPLACE INTO sieve_version (owner, version)"
                + " SELECT ?, value FROM meta WHERE key = 'sieve_version'", owner);
    }

    @Override
    public List<MessageRecord> messages(Sql sql, long mailboxId, Collection<Long> uids, boolean lock)
            throws SQLException {
        List<MessageRecord> found = new ArrayList<>();
        for (long uid : uids) sql.queryOne(MESSAGE_BY_UID, Rows::message, mailboxId, uid).ifPresent(found::add);
        return found;
    }

    @Override
    public void setFlags(SqlTx tx, long mailboxId, long modSeq, List<MessageRecord> changed) throws SQLException {
        for (MessageRecord m : changed) {
            tx.update("UPDATE message SET flags = ?, modseq = ? WHERE mailbox_id = ? AND uid = ?",
                    encodeFlags(m.flags()), modSeq, mailboxId, m.uid());
        }
    }

    @Override
    public void rememberExpunged(SqlTx tx, long mailboxId, Collection<Long> uids, long modSeq) throws SQLException {
        for (long uid : uids) {
            tx.update("INSERT OR REPLACE INTO expunged (mailbox_id, uid, modseq) VALUES (?, ?, ?)", mailboxId, uid, modSeq);
        }
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
}
