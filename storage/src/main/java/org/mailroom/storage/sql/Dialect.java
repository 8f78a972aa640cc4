package org.mailroom.storage.sql;

import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import org.mailroom.core.store.MailQueue;
import org.mailroom.core.store.MessageRecord;

/**
 * What differs between the SQL of the two backends, so that the stores' rules ({@link SqlMailStore},
 * {@link SqlDirectory}, {@link SqlMailQueue}) are written once. Two kinds of difference: spelling (SQLite's
 * {@code INSERT OR IGNORE} is PostgreSQL's {@code ON CONFLICT DO NOTHING}), and how concurrent writers are kept
 * apart: SQLite has one writer thread, so a read inside a write is current; PostgreSQL has writers on every node,
 * so a read that a write depends on locks its rows ({@link #forUpdate}), and sets of rows go in one statement
 * ({@code uid = ANY(?)}) rather than one round trip each.
 */
public interface Dialect {

    /** Appended to a SELECT whose rows the transaction goes on to change: " FOR UPDATE", or "" (one writer). */
    String forUpdate();

    /** The {@code INSERT} statement, made to insert nothing (0 rows) when the row's key exists. */
    String insertOrIgnore(String insert);

    /** The {@code INSERT} statement, made to replace {@code column} of the row whose {@code key} exists. */
    String insertOrReplace(String insert, String key, String column);

    /** The larger of two values: SQLite's two-argument MAX, PostgreSQL's GREATEST. */
    String greatest(String a, String b);

    /** The column that keeps an address's alias targets in the order they were added. */
    String aliasOrder();

    /**
     * The next UIDVALIDITY: {@code now} in seconds, or one more than the last value handed out, so a mailbox
     * deleted and created again within a second still gets a new one (RFC 9051 section 2.3.1.1).
     */
    long nextUidValidity(SqlTx tx, long now) throws SQLException;

    /** A mailbox's messages of these UIDs, by UID; locked when {@code lock} (see {@link #forUpdate}). */
    List<MessageRecord> messages(Sql sql, long mailboxId, Collection<Long> uids, boolean lock) throws SQLException;

    /** Deletes a mailbox's messages of these UIDs and returns them, by UID. */
    List<MessageRecord> deleteMessages(SqlTx tx, long mailboxId, Collection<Long> uids) throws SQLException;

    /**
     * Leases up to {@code max} entries due at {@code at} (next attempt reached, no lease or an expired one) until
     * {@code until}, and returns their rows ({@link Rows#entry}) by next attempt, then arrival.
     */
    List<MailQueue.Entry> claimDue(SqlTx tx, long at, long until, int max) throws SQLException;
}
