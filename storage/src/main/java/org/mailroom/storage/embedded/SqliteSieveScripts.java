package org.mailroom.storage.embedded;

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
 * Sieve scripts and the vacation/duplicate marks in the SQLite database (schema step 10). Every write takes the
 * next value of one counter in {@code meta} as the owner's version, in the same transaction as the change, so the
 * admin CLI (another process) changing a script is seen by the server's cache at its next {@link #version} call.
 */
public final class SqliteSieveScripts implements SieveScripts {

    /** Expired marks deleted per {@link #seenBefore} call, besides the owner's own: keeps the table small. */
    private static final int PRUNE_BATCH = 100;

    private final SqliteDatabase db;

    SqliteSieveScripts(SqliteDatabase db) {
        this.db = db;
    }

    @Override
    public List<Script> list(String owner) throws IOException {
        String who = sieveOwner(owner);
        return db.read(sql -> {
            long version = version(sql, who);
            return sql.query("SELECT name, active FROM sieve_script WHERE owner = ? ORDER BY name",
                    rs -> new Script(who, rs.getString(1), null, rs.getInt(2) != 0, version), who);
        });
    }

    @Override
    public Optional<Script> get(String owner, String name) throws IOException {
        String who = sieveOwner(owner);
        return db.read(sql -> {
            long version = version(sql, who);
            return sql.queryOne("SELECT name, text, active FROM sieve_script WHERE owner = ? AND name = ?",
                    rs -> new Script(who, rs.getString(1), rs.getString(2), rs.getInt(3) != 0, version), who, name);
        });
    }

    @Override
    public void put(String owner, String name, String text) throws IOException {
        String who = sieveOwner(owner);
        String script = sieveName(name);
        db.write(tx -> {
            SqlConnection sql = tx.sql();
            // ON CONFLICT keeps the row's active flag: replacing the active script leaves it active.
            sql.update("INSERT INTO sieve_script (owner, name, text) VALUES (?, ?, ?)"
                    + " ON CONFLICT (owner, name) DO UPDATE SET text = excluded.text", who, script, text);
            bumpVersion(sql, who);
            return null;
        });
    }

    @Override
    public boolean delete(String owner, String name) throws IOException {
        String who = sieveOwner(owner);
        return db.write(tx -> {
            SqlConnection sql = tx.sql();
            if (sql.update("DELETE FROM sieve_script WHERE owner = ? AND name = ? AND active = 0", who, name) == 0) {
                return false;
            }
            bumpVersion(sql, who);
            return true;
        });
    }

    @Override
    public boolean rename(String owner, String from, String to) throws IOException {
        String who = sieveOwner(owner);
        String target = sieveName(to);
        return db.write(tx -> {
            SqlConnection sql = tx.sql();
            if (!sql.exists("SELECT 1 FROM sieve_script WHERE owner = ? AND name = ?", who, from)
                    || sql.exists("SELECT 1 FROM sieve_script WHERE owner = ? AND name = ?", who, target)) {
                return false;
            }
            sql.update("UPDATE sieve_script SET name = ? WHERE owner = ? AND name = ?", target, who, from);
            bumpVersion(sql, who);
            return true;
        });
    }

    @Override
    public boolean activate(String owner, String name) throws IOException {
        String who = sieveOwner(owner);
        return db.write(tx -> {
            SqlConnection sql = tx.sql();
            if (name != null && !sql.exists("SELECT 1 FROM sieve_script WHERE owner = ? AND name = ?", who, name)) {
                return false;
            }
            // Two statements: the unique index on the active script is checked row by row.
            sql.update("UPDATE sieve_script SET active = 0 WHERE owner = ? AND active = 1", who);
            if (name != null) sql.update("UPDATE sieve_script SET active = 1 WHERE owner = ? AND name = ?", who, name);
            bumpVersion(sql, who);
            return true;
        });
    }

    @Override
    public Optional<Script> active(String owner) throws IOException {
        String who = sieveOwner(owner);
        return db.read(sql -> {
            long version = version(sql, who);
            return sql.queryOne("SELECT name, text FROM sieve_script WHERE owner = ? AND active = 1",
                    rs -> new Script(who, rs.getString(1), rs.getString(2), true, version), who);
        });
    }

    @Override
    public long version(String owner) throws IOException {
        String who = sieveOwner(owner);
        return db.read(sql -> version(sql, who));
    }

    /**
     * The mark is set only when there was none within the period, so "once per period" counts from the first
     * time (vacation's reply sent, RFC 5230 section 4.1; the duplicate test without :last, RFC 7352).
     * Written without an fsync of its own: a power cut can lose a mark, which costs at most one repeated
     * vacation reply, and a mark is written for nearly every message a vacation script sees.
     */
    @Override
    public boolean seenBefore(String owner, String key, Duration period, Instant now) throws IOException {
        String who = sieveOwner(owner);
        long at = now.toEpochMilli();
        long expires = at + period.toMillis();
        return db.writeUnsynced(tx -> {
            SqlConnection sql = tx.sql();
            sql.update("DELETE FROM sieve_seen WHERE (owner, key) IN (SELECT owner, key FROM sieve_seen"
                    + " WHERE expires <= ? LIMIT " + PRUNE_BATCH + ")", at);
            Optional<Long> marked = sql.queryLong("SELECT at FROM sieve_seen WHERE owner = ? AND key = ?", who, key);
            if (marked.isPresent() && marked.get() > at - period.toMillis()) return true;
            sql.update("INSERT OR REPLACE INTO sieve_seen (owner, key, at, expires) VALUES (?, ?, ?, ?)",
                    who, key, at, expires);
            return false;
        });
    }

    /** Deletes an account's scripts, version and marks (with the account, in its transaction). */
    private static long version(SqlConnection sql, String owner) throws SQLException {
        return sql.queryLong("SELECT version FROM sieve_version WHERE owner = ?", owner).orElse(0L);
    }

    private static void bumpVersion(SqlConnection sql, String owner) throws SQLException {
        sql.update("UPDATE meta SET value = value + 1 WHERE key = 'sieve_version'");
        sql.update("INSERT OR REPLACE INTO sieve_version (owner, version)"
                + " SELECT ?, value FROM meta WHERE key = 'sieve_version'", owner);
    }
}
