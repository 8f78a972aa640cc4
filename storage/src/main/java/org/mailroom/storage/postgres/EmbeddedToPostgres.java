package org.mailroom.storage.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.mailroom.core.store.BlobStore;
import org.mailroom.storage.embedded.EmbeddedStorage;

/**
 * Moves an embedded store (a data directory) into an empty PostgreSQL database, keeping every number a client
 * has seen: mailbox ids, UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ, UIDs, MODSEQs, flags, so IMAP clients do not
 * resync. Accounts keep their argon2id hashes, SCRAM keys and app password digests; the queue keeps its entries
 * (leases dropped: they belonged to the old process).
 *
 * <p>The tables of both backends have the same columns (see {@code db/postgres/V1__initial.sql}), so most of
 * the work is copying rows. Blobs go first, each committed alone (a second run skips those already there); the
 * rows then go in one transaction, so the database holds either all of them or none. The target must hold no
 * domain, account or mailbox yet. Stop the server first: the copy is of one moment.
 */
public final class EmbeddedToPostgres {

    /** What was copied, table by table. */
    public record Report(Map<String, Integer> rows, int blobs, long blobBytes) {}

    /** Columns copied per table, in dependency order; the SELECT may adapt a column (SQLite's int as boolean). */
    private static final Map<String, String> TABLES = new LinkedHashMap<>();

    static {
        TABLES.put("domain", "name, created");
        TABLES.put("account", "address, domain, password, created, scram_salt, scram_iterations, scram_stored_key,"
                + " scram_server_key, quota, disabled");
        TABLES.put("app_password", "account, name, digest, created");
        TABLES.put("dkim_key", "domain, selector, algorithm, private_key, created, state, retire_after");
        TABLES.put("alias", "source, target, domain, created");
        TABLES.put("admin_token", "name, digest, created");
        TABLES.put("sieve_script", "owner, name, text, active");
        TABLES.put("sieve_version", "owner, version");
        TABLES.put("sieve_seen", "owner, key, at, expires");
        TABLES.put("mailbox", "id, account, name, uidvalidity, uidnext, highestmodseq, messages, size, special_use,"
                + " recent_uid, expunged_floor");
        TABLES.put("message", "mailbox_id, uid, blob_id, size, internal_date, flags, modseq");
        TABLES.put("expunged", "mailbox_id, uid, modseq");
        TABLES.put("subscription", "account, name");
        TABLES.put("queue", "id, blob_id, sender, created, next_attempt, attempts, last_error, envid, ret, warned");
        TABLES.put("queue_recipient", "queue_id, position, address, state, last_reply, notify, orcpt");
        TABLES.put("queue_attempt", "queue_id, seq, at, destination, dns, host, tls, log, result");
    }

    private EmbeddedToPostgres() {}

    public static Report copy(Path dataDir, String url, String user, String password) throws IOException {
        Path db = dataDir.resolve("mailroom.db");
        if (!Files.isRegularFile(db)) throw new IOException("no embedded store in " + dataDir + " (no mailroom.db)");
        // Opening brings the embedded schema up to date (and proves nothing else is wrong with it); it stays
        // open to read the blobs, which are rows of its database or files.
        try (EmbeddedStorage embedded = EmbeddedStorage.open(dataDir)) {
            // The target schema, created or brought up to date by the same code the servers run.
            PostgresStorage.open(url, user, password, dataDir.resolve("tmp")).close();
            return copy(db, embedded.blobStore(), url, user, password);
        }
    }

    private static Report copy(Path db, BlobStore blobs, String url, String user, String password) throws IOException {
        Properties credentials = new Properties();
        if (user != null && !user.isEmpty()) credentials.setProperty("user", user);
        if (password != null && !password.isEmpty()) credentials.setProperty("password", password);
        try (Connection from = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
             Connection to = DriverManager.getConnection(url, credentials)) {
            for (String table : List.of("domain", "account", "mailbox")) {
                try (Statement s = to.createStatement(); ResultSet rs = s.executeQuery("SELECT 1 FROM " + table + " LIMIT 1")) {
                    if (rs.next()) throw new IOException("the PostgreSQL database is not empty (table " + table + ")");
                }
            }
            int blobCount = 0;
            long blobBytes = 0;
            to.setAutoCommit(true);
            List<String> blobIds = new ArrayList<>();
            try (Statement s = from.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT blob_id FROM message UNION SELECT blob_id FROM queue")) {
                while (rs.next()) blobIds.add(rs.getString(1));
            }
            try (PreparedStatement insert = to.prepareStatement("INSERT INTO blob (id, size, content, created)"
                    + " VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
                for (String id : blobIds) {
                    long size = blobs.size(id);
                    try (InputStream in = blobs.open(id)) {
                        insert.setString(1, id);
                        insert.setLong(2, size);
                        insert.setBinaryStream(3, in, size);
                        insert.setLong(4, System.currentTimeMillis());
                        insert.executeUpdate();
                    }
                    blobCount++;
                    blobBytes += size;
                }
            }
            Map<String, Integer> rows = new LinkedHashMap<>();
            to.setAutoCommit(false);
            try {
                for (Map.Entry<String, String> table : TABLES.entrySet()) {
                    rows.put(table.getKey(), copyTable(from, to, table.getKey(), table.getValue()));
                }
                try (Statement s = to.createStatement()) {
                    // New mailboxes continue after the copied ids; UIDVALIDITY after the last one handed out.
                    s.execute("SELECT setval(pg_get_serial_sequence('mailbox', 'id'),"
                            + " GREATEST((SELECT COALESCE(MAX(id), 0) FROM mailbox), 1))");
                }
                try (Statement s = to.createStatement()) {
                    // Versions of Sieve scripts continue after the copied ones: a number never repeats.
                    s.execute("SELECT setval('sieve_version_seq',"
                            + " GREATEST((SELECT COALESCE(MAX(version), 0) FROM sieve_version), 1))");
                }
                long uidValidity = 0;
                try (Statement s = from.createStatement(); ResultSet rs = s.executeQuery(
                        "SELECT value FROM meta WHERE key = 'uidvalidity'")) {
                    if (rs.next()) uidValidity = rs.getLong(1);
                }
                try (PreparedStatement s = to.prepareStatement(
                        "UPDATE meta SET value = GREATEST(value, ?) WHERE key = 'uidvalidity'")) {
                    s.setLong(1, uidValidity);
                    s.executeUpdate();
                }
                to.commit();
            } catch (SQLException | RuntimeException e) {
                to.rollback();
                throw e;
            }
            return new Report(rows, blobCount, blobBytes);
        } catch (SQLException e) {
            throw new IOException("migration failed: " + e.getMessage(), e);
        }
    }

    private static int copyTable(Connection from, Connection to, String table, String columns) throws SQLException {
        int n = columns.split(",").length;
        String placeholders = String.join(", ", java.util.Collections.nCopies(n, "?"));
        String order = table.equals("alias") ? " ORDER BY rowid" : "";
        int count = 0;
        try (Statement select = from.createStatement();
             ResultSet rs = select.executeQuery("SELECT " + columns + " FROM " + table + order);
             PreparedStatement insert = to.prepareStatement("INSERT INTO " + table + " (" + columns + ") VALUES ("
                     + placeholders + ")")) {
            var meta = rs.getMetaData();
            while (rs.next()) {
                for (int i = 1; i <= n; i++) {
                    String column = meta.getColumnName(i);
                    Object value = rs.getObject(i);
                    if (column.equals("warned") || column.equals("active") || column.equals("disabled")) insert.setBoolean(i, value != null && ((Number) value).longValue() != 0);
                    else if (value instanceof Integer || value instanceof Long) insert.setLong(i, ((Number) value).longValue());
                    else insert.setObject(i, value);
                }
                insert.addBatch();
                if (++count % 500 == 0) insert.executeBatch();
            }
            insert.executeBatch();
        }
        return count;
    }
}
