package org.mailroom.storage.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.MailQueue;
import org.mailroom.core.store.MailStore;
import org.mailroom.storage.Storage;

/**
 * The default storage of one machine, in one data directory:
 * <pre>
 *   mailroom.db (+ -wal, -shm)   SQLite: mailboxes, messages, directory, queue
 *   blobs/ab/cd/abcd...          message bytes, one file per message
 *   blobs/tmp/                   blobs being written
 *   tmp/                         sqlite-jdbc's native library
 * </pre>
 * The server and the admin CLI each open it with {@link #open}; both may run at once.
 */
public final class EmbeddedStorage implements Storage {

    private final FileBlobStore blobStore;
    private final SqliteDatabase database;
    private final SqliteMailStore mailStore;
    private final SqliteDirectory directory;
    private final SqliteMailQueue mailQueue;

    private EmbeddedStorage(FileBlobStore blobStore, SqliteDatabase database) {
        this.blobStore = blobStore;
        this.database = database;
        this.mailStore = new SqliteMailStore(database, blobStore);
        this.directory = new SqliteDirectory(database);
        this.mailQueue = new SqliteMailQueue(database);
    }

    /** Opens the storage in {@code dataDir}, creating folders and database on first use. */
    public static EmbeddedStorage open(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path tmp = Files.createDirectories(dataDir.resolve("tmp"));
        // sqlite-jdbc unpacks its native library into java.io.tmpdir unless told otherwise, and /tmp is
        // often mounted noexec on servers. Must be set before the driver class loads (the first open).
        if (System.getProperty("org.sqlite.tmpdir") == null) {
            System.setProperty("org.sqlite.tmpdir", tmp.toAbsolutePath().toString());
        }
        FileBlobStore blobs = new FileBlobStore(dataDir.resolve("blobs"));
        return new EmbeddedStorage(blobs, SqliteDatabase.open(dataDir.resolve("mailroom.db"), blobs));
    }

    @Override
    public BlobStore blobStore() {
        return blobStore;
    }

    @Override
    public MailStore mailStore() {
        return mailStore;
    }

    @Override
    public Directory directory() {
        return directory;
    }

    @Override
    public MailQueue mailQueue() {
        return mailQueue;
    }

    /** Finishes pending writes, then closes the database. */
    @Override
    public void close() {
        database.close();
    }

    /** Batches committed so far; tests use it to see group commit at work. */
    long commits() {
        return database.commits();
    }

    /** For tests that need to hold the writer still. */
    SqliteDatabase database() {
        return database;
    }
}
