package org.mailroom.storage.sql;

import static org.mailroom.storage.StoreValues.sieveName;
import static org.mailroom.storage.StoreValues.sieveOwner;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.mailroom.core.store.SieveScripts;

/**
 * Sieve scripts and the vacation/duplicate marks (SQLite schema step 10, PostgreSQL migration V6).
 *
 * <p>Every write starts by giving the owner a new version ({@link Dialect#bumpSieveVersion}), in the same
 * transaction as the change. The version never repeats, so a cache of compiled scripts on any node or process
 * (the admin CLI writes too) sees a change at its next {@link #version} call; with PostgreSQL the bump also locks
 * the owner's version row, which orders concurrent writes to one owner's scripts across nodes (two SETACTIVE at
 * once cannot both leave a script active). A write that turns out to change nothing (deleting the active script,
 * renaming onto a taken name) still commits its new version: the cache compiles once more for nothing, which is
 * cheaper than a rule per backend; a write that fails rolls back its version with it.
 *
 * <p>{@code active} is 0/1 in SQLite and a boolean in PostgreSQL: the statements say TRUE and FALSE, which mean
 * the right thing in both.
 */
public final class SqlSieveScripts implements SieveScripts {

    /** Expired marks deleted per {@link #seenBefore} call, besides the owner's own: keeps the table small. */
    private static final int PRUNE_BATCH = 100;
    private static final String EXISTS = "SELECT 1 FROM sieve_script WHERE owner = ? AND name = ?";

    private final Transactions db;
    private final Dialect dialect;

    public SqlSieveScripts(Transactions db, Dialect dialect) {
        this.db = db;
        this.dialect = dialect;
    }

    @Override
    public List<Script> list(String owner) throws IOException {
        return read(owner, (sql, who, version) -> sql.query(
                "SELECT name, active FROM sieve_script WHERE owner = ? ORDER BY name",
                rs -> new Script(who, rs.getString(1), null, rs.getBoolean(2), version), who));
    }

    @Override
    public Optional<Script> get(String owner, String name) throws IOException {
        return read(owner, (sql, who, version) -> sql.queryOne(
                "SELECT name, text, active FROM sieve_script WHERE owner = ? AND name = ?",
                rs -> new Script(who, rs.getString(1), rs.getString(2), rs.getBoolean(3), version), who, name));
    }

    @Override
    public Optional<Script> active(String owner) throws IOException {
        return read(owner, (sql, who, version) -> sql.queryOne(
                "SELECT name, text FROM sieve_script WHERE owner = ? AND active = TRUE",
                rs -> new Script(who, rs.getString(1), rs.getString(2), true, version), who));
    }

    @Override
    public long version(String owner) throws IOException {
        String who = sieveOwner(owner);
        return db.read(sql -> version(sql, who));
    }

    @Override
    public void put(String owner, String name, String text) throws IOException {
        String script = sieveName(name);
        // ON CONFLICT keeps the row's active flag: replacing the active script leaves it active.
        change(owner, (sql, who) -> sql.update("INSERT INTO sieve_script (owner, name, text) VALUES (?, ?, ?)"
                + " ON CONFLICT (owner, name) DO UPDATE SET text = excluded.text", who, script, text));
    }

    @Override
    public boolean delete(String owner, String name) throws IOException {
        return change(owner, (sql, who) -> sql.update(
                "DELETE FROM sieve_script WHERE owner = ? AND name = ? AND active = FALSE", who, name) > 0);
    }

    @Override
    public boolean rename(String owner, String from, String to) throws IOException {
        String target = sieveName(to);
        return change(owner, (sql, who) -> {
            if (!sql.exists(EXISTS, who, from) || sql.exists(EXISTS, who, target)) return false;
            sql.update("UPDATE sieve_script SET name = ? WHERE owner = ? AND name = ?", target, who, from);
            return true;
        });
    }

    @Override
    public boolean activate(String owner, String name) throws IOException {
        return change(owner, (sql, who) -> {
            if (name != null && !sql.exists(EXISTS, who, name)) return false;
            // Two statements: the unique index on the active script is checked row by row.
            sql.update("UPDATE sieve_script SET active = FALSE WHERE owner = ? AND active = TRUE", who);
            if (name != null) sql.update("UPDATE sieve_script SET active = TRUE WHERE owner = ? AND name = ?", who, name);
            return true;
        });
    }

    /**
     * One statement decides, so two writers (nodes, or the server and the CLI) asking about the same message at
     * once agree that exactly one saw it first: the upsert writes only when there is no mark within the period,
     * and a row comes back only if it wrote. The mark counts from the first time (vacation's reply sent, RFC 5230
     * section 4.1; the duplicate test without :last, RFC 7352). Written without an fsync of its own where the
     * backend allows: a power cut can lose a mark, which costs at most one repeated vacation reply, and a mark is
     * written for nearly every message a vacation script sees.
     */
    @Override
    public boolean seenBefore(String owner, String key, Duration period, Instant now) throws IOException {
        String who = sieveOwner(owner);
        long at = now.toEpochMilli();
        long since = at - period.toMillis();
        long expires = at + period.toMillis();
        return db.writeUnsynced(sql -> {
            sql.update("DELETE FROM sieve_seen WHERE (owner, key) IN (SELECT owner, key FROM sieve_seen"
                    + " WHERE expires <= ? LIMIT " + PRUNE_BATCH + dialect.skipLocked() + ")", at);
            return sql.queryOne("INSERT INTO sieve_seen (owner, key, at, expires) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT (owner, key) DO UPDATE SET at = excluded.at, expires = excluded.expires"
                    + " WHERE sieve_seen.at <= ? RETURNING 1", rs -> Boolean.TRUE, who, key, at, expires, since)
                    .isEmpty();
        });
    }

    private static long version(Sql sql, String owner) throws SQLException {
        return sql.queryLong("SELECT version FROM sieve_version WHERE owner = ?", owner).orElse(0L);
    }

    /** A read of an owner's scripts, with the owner's version. */
    private interface Read<T> {
        T run(Sql sql, String owner, long version) throws SQLException;
    }

    /**
     * Reads the version before the scripts: a write committed between the two leaves a newer text under an older
     * version, which the cache compiles again at its next {@link #version} call, never the other way round.
     */
    private <T> T read(String owner, Read<T> read) throws IOException {
        String who = sieveOwner(owner);
        return db.read(sql -> read.run(sql, who, version(sql, who)));
    }

    /** A change to an owner's scripts. */
    private interface Change<T> {
        T run(SqlTx sql, String owner) throws SQLException;
    }

    /** Runs the change after giving the owner a new version, in one transaction (see the class comment). */
    private <T> T change(String owner, Change<T> change) throws IOException {
        String who = sieveOwner(owner);
        return db.write(sql -> {
            dialect.bumpSieveVersion(sql, who);
            return change.run(sql, who);
        });
    }
}
