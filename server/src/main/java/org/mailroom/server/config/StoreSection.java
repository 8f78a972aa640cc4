package org.mailroom.server.config;

import tools.jackson.databind.annotation.JsonDeserialize;

/**
 * {@code [store]}: where accounts, mailboxes, messages and the queue live. {@code embedded} keeps
 * everything in the data directory (SQLite and files); {@code postgresql} uses the database at the JDBC
 * {@code url} (messages still go to the data directory unless the backend says otherwise).
 *
 * @param inlineBlobMax embedded: messages up to this many bytes are kept in the database, where they commit
 *                      with their mailbox rows in one fsync; larger ones are files. 0: every message a file.
 * @param expungedKept  expunge records kept per mailbox for IMAP QRESYNC (RFC 7162); older ones are pruned, and a
 *                      client resynchronizing from before them gets a full VANISHED list instead.
 */
public record StoreSection(String backend, String url, String user, String password,
                           @JsonDeserialize(using = ConfigReader.SizeDeserializer.class) long inlineBlobMax,
                           int expungedKept) {

    /** A writer holds a message this size in memory until its end: keep it well below the message size limit. */
    static final long MAX_INLINE_BLOB = 16L * 1024 * 1024;

    public static final String EMBEDDED = "embedded";
    public static final String POSTGRESQL = "postgresql";

    public boolean isEmbedded() {
        return backend.equals(EMBEDDED);
    }

    void validate() {
        if (!backend.equals(EMBEDDED) && !backend.equals(POSTGRESQL)) {
            throw ConfigException.badValue("store.backend",
                    "expected \"embedded\" or \"postgresql\", got \"" + backend + "\"");
        }
        if (backend.equals(POSTGRESQL) && url.isBlank()) {
            throw ConfigException.badValue("store.url", "needed when store.backend is \"postgresql\"");
        }
        if (expungedKept < 1) {
            throw ConfigException.badValue("store.expunged_kept", "expected at least 1, got " + expungedKept);
        }
        if (inlineBlobMax < 0 || inlineBlobMax > MAX_INLINE_BLOB) {
            throw ConfigException.badValue("store.inline_blob_max",
                    "expected 0 to " + MAX_INLINE_BLOB + " bytes, got " + inlineBlobMax);
        }
    }

    /** Never prints the password: configurations end up in logs. */
    @Override
    public String toString() {
        return "StoreSection[backend=" + backend + ", url=" + url + ", user=" + user
                + ", password=" + (password.isEmpty() ? "" : "***") + ", inlineBlobMax=" + inlineBlobMax + ", expungedKept=" + expungedKept + "]";
    }
}
