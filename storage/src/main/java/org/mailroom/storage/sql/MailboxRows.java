package org.mailroom.storage.sql;

import static org.mailroom.storage.sql.Rows.MAILBOX_COLUMNS;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.mailroom.core.store.MailStoreException;
import org.mailroom.core.store.Mailbox;

/**
 * Finding, locking and creating mailbox rows. A write that changes a mailbox's counters first locks its row
 * ({@link Dialect#forUpdate}; SQLite's one writer needs no lock), and locks two rows in ascending id order, as
 * deliveries do, so that no two writers wait for each other.
 */
final class MailboxRows {

    private final Dialect dialect;
    private final String find;
    private final String findLocked;
    private final String byIdLocked;
    private final String pairLocked;
    private final String insert;

    MailboxRows(Dialect dialect) {
        this.dialect = dialect;
        String select = "SELECT " + MAILBOX_COLUMNS + " FROM mailbox";
        this.find = select + " WHERE account = ? AND name = ?";
        this.findLocked = find + dialect.forUpdate();
        this.byIdLocked = select + " WHERE id = ?" + dialect.forUpdate();
        this.pairLocked = select + " WHERE id IN (?, ?) ORDER BY id" + dialect.forUpdate();
        this.insert = dialect.insertOrIgnore("INSERT INTO mailbox (account, name, uidvalidity, uidnext, highestmodseq,"
                + " special_use) VALUES (?, ?, ?, 1, 1, ?)") + " RETURNING " + MAILBOX_COLUMNS;
    }

    Optional<Mailbox> find(Sql sql, String owner, String name) throws SQLException {
        return sql.queryOne(find, Rows::mailbox, owner, name);
    }

    Optional<Mailbox> findLocked(SqlTx tx, String owner, String name) throws SQLException {
        return tx.queryOne(findLocked, Rows::mailbox, owner, name);
    }

    Mailbox lockById(SqlTx tx, long id) throws SQLException, MailStoreException {
        return tx.queryOne(byIdLocked, Rows::mailbox, id)
                .orElseThrow(() -> new MailStoreException.NotFound("no mailbox with id " + id));
    }

    /** Both rows, locked in id order; {@code [from, to]}. */
    Mailbox[] lockPair(SqlTx tx, long fromId, long toId) throws SQLException, MailStoreException {
        Mailbox from = null;
        Mailbox to = null;
        for (Mailbox m : tx.query(pairLocked, Rows::mailbox, fromId, toId)) {
            if (m.id() == fromId) from = m;
            if (m.id() == toId) to = m;
        }
        if (from == null) throw new MailStoreException.NotFound("no mailbox with id " + fromId);
        if (to == null) throw new MailStoreException.NotFound("no mailbox with id " + toId);
        return new Mailbox[] {from, to};
    }

    /** The mailbox's id, created (with a fresh UIDVALIDITY) if it does not exist. */
    long ensure(SqlTx tx, String owner, String name) throws SQLException {
        Optional<Long> id = tx.queryLong("SELECT id FROM mailbox WHERE account = ? AND name = ?", owner, name);
        if (id.isPresent()) return id.get();
        Optional<Mailbox> created = insert(tx, owner, name, null);
        if (created.isPresent()) return created.get().id();
        // Another node created it just now; READ COMMITTED: this statement sees its commit.
        return tx.queryLong("SELECT id FROM mailbox WHERE account = ? AND name = ?", owner, name).orElseThrow();
    }

    /** Inserts a mailbox unless one of that name exists (then empty). */
    Optional<Mailbox> insert(SqlTx tx, String owner, String name, String specialUse) throws SQLException {
        long uidValidity = dialect.nextUidValidity(tx, Instant.now().getEpochSecond());
        return tx.queryOne(insert, Rows::mailbox, owner, name, uidValidity, specialUse);
    }

    /** The mailboxes below {@code parent} ({@code parent/...}), locked. */
    List<Mailbox> inferiors(SqlTx tx, String owner, String parent) throws SQLException {
        return tx.query("SELECT " + MAILBOX_COLUMNS + " FROM mailbox WHERE account = ? AND substr(name, 1, ?) = ?"
                + " ORDER BY id" + dialect.forUpdate(), Rows::mailbox, owner, parent.length() + 1, parent + "/");
    }
}
