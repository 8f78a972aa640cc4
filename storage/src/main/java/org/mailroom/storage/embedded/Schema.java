package org.mailroom.storage.embedded;

import java.sql.SQLException;
import java.util.List;

/**
 * The database schema as numbered migration steps. {@code PRAGMA user_version} holds the number of steps
 * applied; opening the database applies the missing ones in one transaction. To change the schema, append
 * a step; never edit one that has shipped.
 */
final class Schema {

    private Schema() {}

    static final List<List<String>> STEPS = List.of(
            // 1: mailboxes, messages, directory, queue
            List.of(
                    // Counters that must never go back, e.g. the last UIDVALIDITY handed out.
                    "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
                    // AUTOINCREMENT: a deleted mailbox's id is never given to a new one, so a session
                    // still holding the old id cannot see another mailbox's messages.
                    "CREATE TABLE mailbox (id INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL,"
                            + " name TEXT NOT NULL, uidvalidity INTEGER NOT NULL, uidnext INTEGER NOT NULL,"
                            + " highestmodseq INTEGER NOT NULL, messages INTEGER NOT NULL DEFAULT 0,"
                            + " size INTEGER NOT NULL DEFAULT 0, UNIQUE (account, name))",
                    "CREATE TABLE message (mailbox_id INTEGER NOT NULL REFERENCES mailbox(id),"
                            + " uid INTEGER NOT NULL, blob_id TEXT NOT NULL, size INTEGER NOT NULL,"
                            + " internal_date INTEGER NOT NULL, flags TEXT NOT NULL, modseq INTEGER NOT NULL,"
                            + " PRIMARY KEY (mailbox_id, uid)) WITHOUT ROWID",
                    "CREATE INDEX message_blob ON message (blob_id)",
                    // For QRESYNC (RFC 7162 section 3.2.10): which UIDs vanished, at which MODSEQ.
                    "CREATE TABLE expunged (mailbox_id INTEGER NOT NULL REFERENCES mailbox(id) ON DELETE CASCADE,"
                            + " uid INTEGER NOT NULL, modseq INTEGER NOT NULL,"
                            + " PRIMARY KEY (mailbox_id, uid)) WITHOUT ROWID",
                    "CREATE TABLE domain (name TEXT PRIMARY KEY, created INTEGER NOT NULL)",
                    "CREATE TABLE account (address TEXT PRIMARY KEY, domain TEXT NOT NULL REFERENCES domain(name),"
                            + " password TEXT NOT NULL, created INTEGER NOT NULL)",
                    "CREATE INDEX account_domain ON account (domain)",
                    "CREATE TABLE alias (source TEXT NOT NULL, target TEXT NOT NULL,"
                            + " domain TEXT NOT NULL REFERENCES domain(name), created INTEGER NOT NULL,"
                            + " UNIQUE (source, target))",
                    "CREATE INDEX alias_domain ON alias (domain)",
                    "CREATE TABLE queue (id TEXT PRIMARY KEY, blob_id TEXT NOT NULL, sender TEXT,"
                            + " created INTEGER NOT NULL, next_attempt INTEGER NOT NULL,"
                            + " attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, lease_until INTEGER)",
                    "CREATE INDEX queue_due ON queue (next_attempt)",
                    "CREATE INDEX queue_blob ON queue (blob_id)",
                    "CREATE TABLE queue_recipient (queue_id TEXT NOT NULL REFERENCES queue(id) ON DELETE CASCADE,"
                            + " position INTEGER NOT NULL, address TEXT NOT NULL, state TEXT NOT NULL,"
                            + " last_reply TEXT, PRIMARY KEY (queue_id, position)) WITHOUT ROWID"),
            // 2 (auth): SCRAM-SHA-256 keys next to the argon2id hash (NULL until the password is next set or used),
            // and app passwords as SHA-256 digests, removed with their account.
            List.of(
                    "ALTER TABLE account ADD COLUMN scram_salt BLOB",
                    "ALTER TABLE account ADD COLUMN scram_iterations INTEGER",
                    "ALTER TABLE account ADD COLUMN scram_stored_key BLOB",
                    "ALTER TABLE account ADD COLUMN scram_server_key BLOB",
                    "CREATE TABLE app_password (account TEXT NOT NULL REFERENCES account(address) ON DELETE CASCADE,"
                            + " name TEXT NOT NULL, digest TEXT NOT NULL, created INTEGER NOT NULL,"
                            + " PRIMARY KEY (account, name)) WITHOUT ROWID",
                    "CREATE INDEX app_password_digest ON app_password (account, digest)"),
            // 3 (outbound): DSN parameters kept with the entry, the delay notice sent once, delivery history.
            List.of(
                    "ALTER TABLE queue ADD COLUMN envid TEXT",
                    "ALTER TABLE queue ADD COLUMN ret TEXT",
                    "ALTER TABLE queue ADD COLUMN warned INTEGER NOT NULL DEFAULT 0",
                    // notify: NULL when NOTIFY was not given, "" for NEVER, else "SUCCESS,DELAY"...
                    "ALTER TABLE queue_recipient ADD COLUMN notify TEXT",
                    "ALTER TABLE queue_recipient ADD COLUMN orcpt TEXT",
                    // dns and log: one line each, joined with "\n".
                    "CREATE TABLE queue_attempt (queue_id TEXT NOT NULL REFERENCES queue(id) ON DELETE CASCADE,"
                            + " seq INTEGER NOT NULL, at INTEGER NOT NULL, destination TEXT NOT NULL, dns TEXT NOT NULL,"
                            + " host TEXT, tls TEXT, log TEXT NOT NULL, result TEXT NOT NULL,"
                            + " PRIMARY KEY (queue_id, seq)) WITHOUT ROWID"),
            // 4 (IMAP): special-use attributes (RFC 6154) and subscriptions, which name mailboxes that may not
            // exist (RFC 9051 section 6.3.7), so they are names, not mailbox ids.
            List.of(
                    "ALTER TABLE mailbox ADD COLUMN special_use TEXT",
                    "CREATE TABLE subscription (account TEXT NOT NULL, name TEXT NOT NULL,"
                            + " PRIMARY KEY (account, name)) WITHOUT ROWID",
                    "CREATE INDEX expunged_modseq ON expunged (mailbox_id, modseq)"),
            // 5 (IMAP MIME): the parsed MIME structure of each blob (MessageStructure.toBytes), one row per
            // blob however many messages name it; deleted with the blob.
            List.of(
                    "CREATE TABLE blob_structure (blob_id TEXT PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID"),
            // 6 (blobs): small message bytes inside the database, so that they commit with the rows naming them
            // in one group commit instead of costing a file fsync and a directory fsync each (EmbeddedBlobStore).
            // A rowid table, not WITHOUT ROWID: its rows are large. "created" (epoch ms) lets the start-up sweep
            // find blobs no row ever came to name, a few at a time.
            List.of(
                    "CREATE TABLE blob (id TEXT NOT NULL UNIQUE, created INTEGER NOT NULL, data BLOB NOT NULL)",
                    "CREATE INDEX blob_created ON blob (created)"),
            // 7 (DKIM): signing keys per domain; private_key is PKCS#8 base64 text, as secret as the password
            // hashes. state: published, active or retired (DkimKeyRecord); retire_after (epoch ms) only when retired.
            List.of(
                    "CREATE TABLE dkim_key (domain TEXT NOT NULL REFERENCES domain(name), selector TEXT NOT NULL,"
                            + " algorithm TEXT NOT NULL, private_key TEXT NOT NULL, created INTEGER NOT NULL,"
                            + " state TEXT NOT NULL, retire_after INTEGER, PRIMARY KEY (domain, selector)) WITHOUT ROWID"),
            // 8 (IMAP, issue 12) \Recent: the highest UID a session has claimed as recent (RFC 3501 section 2.3.2),
            // existing mail counting as already seen; expunged_floor: the highest MODSEQ of a pruned expunge
            // record (QRESYNC below it answers from the UIDs present); an account's own storage quota, NULL for
            // the configured default.
            List.of(
                    "ALTER TABLE mailbox ADD COLUMN recent_uid INTEGER NOT NULL DEFAULT 0",
                    "UPDATE mailbox SET recent_uid = uidnext - 1",
                    "ALTER TABLE mailbox ADD COLUMN expunged_floor INTEGER NOT NULL DEFAULT 0",
                    "ALTER TABLE account ADD COLUMN quota INTEGER"),
            // 9 (admin API): bearer tokens by name, only their SHA-256 (hex) stored.
            List.of(
                    "CREATE TABLE admin_token (name TEXT PRIMARY KEY, digest TEXT NOT NULL, created INTEGER NOT NULL)"),
            // 10 (Sieve, issue 15): each owner's scripts (an account, or "@domain" for its global scripts), at most
            // one active (the partial unique index says so); the owner's version, taken from one counter in meta on
            // every write so that it never repeats, even for an account removed and made again; the marks of
            // vacation and the duplicate test, pruned once expired (epoch ms).
            List.of(
                    "CREATE TABLE sieve_script (owner TEXT NOT NULL, name TEXT NOT NULL, text TEXT NOT NULL,"
                            + " active INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (owner, name)) WITHOUT ROWID",
                    "CREATE UNIQUE INDEX sieve_script_active ON sieve_script (owner) WHERE active = 1",
                    "CREATE TABLE sieve_version (owner TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID",
                    "INSERT OR IGNORE INTO meta (key, value) VALUES ('sieve_version', 0)",
                    "CREATE TABLE sieve_seen (owner TEXT NOT NULL, key TEXT NOT NULL, at INTEGER NOT NULL,"
                            + " expires INTEGER NOT NULL, PRIMARY KEY (owner, key)) WITHOUT ROWID",
                    "CREATE INDEX sieve_seen_expires ON sieve_seen (expires)"),
            // 11 (issue 14): a disabled account refuses every login but still receives its mail (1: disabled).
            List.of(
                    "ALTER TABLE account ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0"));

    /** Applies the steps this database lacks. Two processes opening at once are serialised by BEGIN IMMEDIATE. */
    static void migrate(SqlConnection sql) throws SQLException {
        sql.execute("BEGIN IMMEDIATE");
        try {
            int version = sql.queryLong("PRAGMA user_version").orElse(0L).intValue();
            if (version > STEPS.size()) {
                throw new SQLException("database schema version " + version + " is newer than this program ("
                        + STEPS.size() + ")");
            }
            for (int step = version; step < STEPS.size(); step++) {
                for (String statement : STEPS.get(step)) sql.execute(statement);
            }
            sql.execute("PRAGMA user_version = " + STEPS.size());
            sql.execute("COMMIT");
        } catch (SQLException e) {
            sql.execute("ROLLBACK");
            throw e;
        }
    }
}
