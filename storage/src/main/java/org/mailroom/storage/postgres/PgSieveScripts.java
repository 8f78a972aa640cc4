package org.mailroom.storage.postgres;

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
 * Sieve scripts and the vacation/duplicate marks in PostgreSQL (migration V6), shared by every node.
 *
 * <p>Every write starts by taking the owner's next version from one sequence (an upsert of its
 * {@code sieve_version} row): that row lock orders concurrent writes to one owner's scripts across nodes (two
 * SETACTIVE at once cannot both leave a script active), and the new number tells every node's cache, which asks
 * {@link #version}, that it must compile again.
 */
public final class PgSieveScripts implements SieveScripts {

    /** Expired marks deleted per {@link #seenBefore} call: keeps the table small without a sweeper. */
    private static final int PRUNE_BATCH = 100;

    private final PgDatabase db;

    PgSieveScripts(PgDatabase db) {
        this.db = db;
    }

    @Override
    public List<Script> list(String owner) throws IOException {
        String who = sieveOwner(owner);
        return db.read(sql -> {
            long version = version(sql, who);
            return sql.query("SELECT name, active FROM sieve_script WHERE owner = ? ORDER BY name",
                    rs -> new Script(who, rs.getString(1), null, rs.getBoolean(2), version), who);
        });
    }

    @Override
    public Optional<Script> get(String owner, String name) throws IOException {
        String who = sieveOwner(owner);
        return db.read(sql -> {
            long version = version(sql, who);
            return sql.queryOne("SELECT name, text, active FROM sieve_script WHERE owner = ? AND name = ?",
                    rs -> new Script(who, rs.getString(1), rs.getString(2), rs.getBoolean(3), version), who, name);
        });
    }

    @Override
    public void put(String owner, String name, String text) throws IOException {
        String who = sieveOwner(owner);
        String script = sieveName(name);
        db.write(sql -> {
            bumpVersion(sql, who);
            // ON CONFLICT keeps the row's active flag: replacing the active script leaves it active.
            sql.update("INSERT INTO sieve_script (owner, name, text) VALUES (?, ?, ?)"
                    + " ON CONFLICT (owner, name) DO UPDATE SET text = EXCLUDED.text", who, script, text);
            return null;
        });
    }

    @Override
    public boolean delete(String owner, String name) throws IOException {
        String who = sieveOwner(owner);
        return db.write(sql -> {
            bumpVersion(sql, who);
            return sql.update("DELETE FROM sieve_script WHERE owner = ? AND name = ? AND NOT active", who, name) > 0;
        });
    }

    @Override
    public boolean rename(String owner, String from, String to) throws IOException {
        String who = sieveOwner(owner);
        String target = sieveName(to);
        return db.write(sql -> {
            bumpVersion(sql, who);
            if (!sql.exists("SELECT 1 FROM sieve_script WHERE owner = ? AND name = ?", who, from)
                    || sql.exists("SELECT 1 FROM sieve_script WHERE owner = ? AND name = ?", who, target)) {
                return false;
            }
            sql.update("UPDATE sieve_script SET name = ? WHERE owner = ? AND name = ?", target, who, from);
            return true;
        });
    }

    @Override
    public boolean activate(String owner, String name) throws IOException {
        String who = sieveOwner(owner);
        return db.write(sql -> {
            bumpVersion(sql, who);
            if (name != null && !sql.exists("SELECT 1 FROM sieve_script WHERE owner = ? AND name = ?", who, name)) {
                return false;
            }
            // Two statements: PostgreSQL checks the unique index on the active script row by row.
            sql.update("UPDATE sieve_script SET active = false WHERE owner = ? AND active", who);
            if (name != null) sql.update("UPDATE sieve_script SET active = true WHERE owner = ? AND name = ?", who, name);
            return true;
        });
    }

    @Override
    public Optional<Script> active(String owner) throws IOException {
        String who = sieveOwner(owner);
        return db.read(sql -> {
            long version = version(sql, who);
            return sql.queryOne("SELECT name, text FROM sieve_script WHERE owner = ? AND active",
                    rs -> new Script(who, rs.getString(1), rs.getString(2), true, version), who);
        });
    }

    @Override
    public long version(String owner) throws IOException {
        String who = sieveOwner(owner);
        return db.read(sql -> version(sql, who));
    }

    /**
     * One statement decides, so two nodes delivering the same message at once agree that exactly one saw it first:
     * the upsert writes only when there is no mark within the period, and a row comes back only if it wrote.
     * The mark counts from the first time (vacation's reply sent; the duplicate test without :last).
     */
    @Override
    public boolean seenBefore(String owner, String key, Duration period, Instant now) throws IOException {
        String who = sieveOwner(owner);
        long at = now.toEpochMilli();
        long since = at - period.toMillis();
        long expires = at + period.toMillis();
        return db.write(sql -> {
            sql.update("DELETE FROM sieve_seen WHERE ctid IN (SELECT ctid FROM sieve_seen WHERE expires <= ?"
                    + " LIMIT " + PRUNE_BATCH + " FOR UPDATE SKIP LOCKED)", at);
            return sql.queryOne("INSERT INTO sieve_seen (owner, key, at, expires) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT (owner, key) DO UPDATE SET at = EXCLUDED.at, expires = EXCLUDED.expires"
                    + " WHERE sieve_seen.at <= ? RETURNING 1", rs -> Boolean.TRUE, who, key, at, expires, since)
                    .isEmpty();
        });
    }

    /** Deletes an account's scripts, version and marks (with the account, in its transaction). */
    private static long version(PgSql sql, String owner) throws SQLException {
        return sql.queryLong("SELECT version FROM sieve_version WHERE owner = ?", owner).orElse(0L);
    }

    private static void bumpVersion(PgSql sql, String owner) throws SQLException {
        sql.update("INSERT INTO sieve_version (owner, version) VALUES (?, nextval('sieve_version_seq'))"
                + " ON CONFLICT (owner) DO UPDATE SET version = EXCLUDED.version", owner);
    }
}
