package org.mailroom.storage.postgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.mailroom.storage.sql.MaildropLocks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The POP3 maildrop lock (RFC 1939 section 8) across nodes: a session-level advisory lock per account, held on
 * one connection of this node's own, outside the pool. When the node dies its connection closes and PostgreSQL
 * releases its locks, so a crashed node never leaves a maildrop locked.
 *
 * <p>Advisory locks are re-entrant within a session, and all of this node's locks share one session, so the
 * node also remembers which accounts it holds: a second POP3 login on the same node is refused here.
 *
 * <p>The key is {@code (CLASS, hashtext(account))}: two accounts whose names hash alike would exclude each
 * other's POP3 sessions (a false "in use", never a lost lock), which at 32 bits is rare enough.
 *
 * <p>If the lock connection breaks, the database has dropped every lock it held; the node forgets them and
 * the next lock request opens a new connection. A session that held one keeps going unprotected until it ends
 * (POP3 sessions are short); the alternative, killing those sessions, would lose their deletions.
 */
final class PgMaildropLocks implements MaildropLocks, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PgMaildropLocks.class);
    /** The first half of the advisory lock key: "our maildrop locks", apart from anyone else's locks. */
    private static final int CLASS = 0x4d524d44; // "MRMD"

    private final PgDatabase db;
    private final Set<String> held = new HashSet<>(); // guarded by this
    private Connection connection; // guarded by this
    private long generation; // guarded by this: which connection a handle's lock lives on

    PgMaildropLocks(PgDatabase db) {
        this.db = db;
    }

    /**
     * Takes the account's lock if nobody, on any node, holds it.
     *
     * @throws IOException when the database is away: nobody can know whether the maildrop is in use
     */
    @Override
    public synchronized Optional<AutoCloseable> tryLock(String account) throws IOException {
        if (held.contains(account)) return Optional.empty();
        try {
            Connection c = connection();
            try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(?))")) {
                s.setInt(1, CLASS);
                s.setString(2, account);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next() || !rs.getBoolean(1)) return Optional.empty();
                }
            }
        } catch (SQLException e) {
            dropConnection();
            throw new IOException("cannot take the maildrop lock of " + account + ": " + e.getMessage(), e);
        }
        held.add(account);
        long lockedOn = generation;
        return Optional.of(new AutoCloseable() {
            private boolean released;

            @Override
            public void close() {
                synchronized (PgMaildropLocks.this) {
                    if (released) return;
                    released = true;
                    release(account, lockedOn);
                }
            }
        });
    }

    private void release(String account, long lockedOn) {
        if (lockedOn != generation || connection == null) return; // that connection and its locks are gone
        held.remove(account);
        try (PreparedStatement s = connection.prepareStatement("SELECT pg_advisory_unlock(?, hashtext(?))")) {
            s.setInt(1, CLASS);
            s.setString(2, account);
            s.executeQuery().close();
        } catch (SQLException e) {
            log.warn("Cannot release the maildrop lock of {}: {}", account, e.toString());
            dropConnection();
        }
    }

    private Connection connection() throws SQLException {
        if (connection != null && !connection.isValid(2)) dropConnection();
        if (connection == null) {
            connection = db.dedicatedConnection();
            connection.setAutoCommit(true);
            generation++;
        }
        return connection;
    }

    /** The server dropped our locks with the connection: forget them. */
    private void dropConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // already broken
            }
        }
        connection = null;
        held.clear();
        generation++;
    }

    @Override
    public synchronized void close() {
        dropConnection();
    }
}
