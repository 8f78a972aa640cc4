package org.mailroom.storage.sql;

import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
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

    /**
     * Appended to a SELECT of rows the transaction takes for itself, where any free rows will do (due queue
     * entries, expired marks to prune): " FOR UPDATE SKIP LOCKED", so writers on two nodes take different rows
     * and neither waits; or "" (one writer).
     */
    String skipLocked();

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

    /**
     * Gives a Sieve script owner a new version, never handed out before to any owner (so a cache of a removed
     * account's scripts cannot match its successor's). PostgreSQL: the owner's version row stays locked until
     * commit, ordering concurrent writes to one owner's scripts.
     */
    void bumpSieveVersion(SqlTx tx, String owner) throws SQLException;

    /** A mailbox's messages of these UIDs, by UID; locked when {@code lock} (see {@link #forUpdate}). */
    List<MessageRecord> messages(Sql sql, long mailboxId, Collection<Long> uids, boolean lock) throws SQLException;

    /** Writes the new flags of these messages of one mailbox (rows the caller holds), all at {@code modSeq}. */
    void setFlags(SqlTx tx, long mailboxId, long modSeq, List<MessageRecord> changed) throws SQLException;

    /** Remembers these UIDs of a mailbox as expunged at {@code modSeq}, replacing an older record of a UID. */
    void rememberExpunged(SqlTx tx, long mailboxId, Collection<Long> uids, long modSeq) throws SQLException;

    /** Deletes a mailbox's messages of these UIDs and returns them, by UID. */
    List<MessageRecord> deleteMessages(SqlTx tx, long mailboxId, Collection<Long> uids) throws SQLException;
}
