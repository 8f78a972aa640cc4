package org.mailroom.storage.postgres;

import static org.mailroom.storage.StoreValues.encodeFlags;
import static org.mailroom.storage.sql.Rows.MESSAGE_COLUMNS;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.mailroom.core.store.MessageRecord;
import org.mailroom.storage.sql.Dialect;
import org.mailroom.storage.sql.Rows;
import org.mailroom.storage.sql.Sql;
import org.mailroom.storage.sql.SqlTx;

/**
 * PostgreSQL's spelling of what the shared stores ask. Writers run on every node at once: a read that a write
 * depends on locks its rows ({@code FOR UPDATE}), counters are bumped with {@code UPDATE ... RETURNING} under
 * the row lock, and a set of UIDs goes in one statement ({@code uid = ANY(?)}, {@code unnest(?)}), one round
 * trip, whether read or written. The {@link Sql} handed in here is always this backend's {@link PgSql}.
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
    public String skipLocked() {
        return " FOR UPDATE SKIP LOCKED";
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

    /** The next value of one sequence; the upsert locks the owner's row until commit. */
    @Override
    public void bumpSieveVersion(SqlTx tx, String owner) throws SQLException {
        tx.update("INSERT INTO sieve_version (owner, version) VALUES (?, nextval('sieve_version_seq'))"
                + " ON CONFLICT (owner) DO UPDATE SET version = EXCLUDED.version", owner);
    }

    @Override
    public List<MessageRecord> messages(Sql sql, long mailboxId, Collection<Long> uids, boolean lock)
            throws SQLException {
        return sql.query("SELECT " + MESSAGE_COLUMNS + " FROM message WHERE mailbox_id = ? AND uid = ANY(?)"
                + " ORDER BY uid" + (lock ? " FOR UPDATE" : ""), Rows::message, mailboxId, ((PgSql) sql).longs(uids));
    }

    /** One statement for all of them: the new flags go as an array beside the UIDs. */
    @Override
    public void setFlags(SqlTx tx, long mailboxId, long modSeq, List<MessageRecord> changed) throws SQLException {
        List<Long> uids = new ArrayList<>(changed.size());
        List<String> flags = new ArrayList<>(changed.size());
        for (MessageRecord m : changed) {
            uids.add(m.uid());
            flags.add(encodeFlags(m.flags()));
        }
        PgSql sql = (PgSql) tx;
        tx.update("UPDATE message AS m SET flags = f.flags, modseq = ? FROM unnest(?::bigint[], ?::text[])"
                + " AS f(uid, flags) WHERE m.mailbox_id = ? AND m.uid = f.uid",
                modSeq, sql.longs(uids), sql.texts(flags), mailboxId);
    }

    @Override
    public void rememberExpunged(SqlTx tx, long mailboxId, Collection<Long> uids, long modSeq) throws SQLException {
        tx.update("INSERT INTO expunged (mailbox_id, uid, modseq) SELECT ?, u.uid, ? FROM unnest(?::bigint[]) AS u(uid)"
                + " ON CONFLICT (mailbox_id, uid) DO UPDATE SET modseq = excluded.modseq",
                mailboxId, modSeq, ((PgSql) tx).longs(uids));
    }

    @Override
    public List<MessageRecord> deleteMessages(SqlTx tx, long mailboxId, Collection<Long> uids) throws SQLException {
        List<MessageRecord> removed = tx.query("DELETE FROM message WHERE mailbox_id = ? AND uid = ANY(?)"
                + " RETURNING " + MESSAGE_COLUMNS, Rows::message, mailboxId, ((PgSql) tx).longs(uids));
        removed.sort(Comparator.comparingLong(MessageRecord::uid));
        return removed;
    }
}
