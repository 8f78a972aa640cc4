package org.mailroom.storage.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mailroom.storage.Storage;
import org.mailroom.storage.StoreValues;
import org.mailroom.storage.sql.MailboxListeners;
import org.mailroom.storage.sql.SqlStores;

/**
 * The default storage of one machine, in one data directory:
 * <pre>
 *   mailroom.db (+ -wal, -shm)   SQLite: mailboxes, messages, directory, queue, and small messages' bytes
 *   blobs/ab/cd/abcd...          bytes of large messages (and of every message stored before version 6
 *                                of the schema), one file each
 *   blobs/tmp/                   blob files being written
 *   tmp/                         sqlite-jdbc's native library
 * </pre>
 * The server and the admin CLI each open it with {@link #open}; both may run at once.
 */
public final class EmbeddedStorage implements Storage {

    private final EmbeddedBlobStore blobStore;
    private final SqliteDatabase database;
    private final Stores stores;

    private EmbeddedStorage(EmbeddedBlobStore blobStore, SqliteDatabase database, int expungedKept) {
        this.blobStore = blobStore;
        this.database = database;
        this.stores = SqlStores.of(blobStore, new SqliteTransactions(database, blobStore), SqliteDialect.INSTANCE,
                new MailboxListeners(), new InProcessMaildropLocks(), expungedKept);
    }

    /** Opens the storage in {@code dataDir} with the default size limit of blobs kept in the database. */
    public static EmbeddedStorage open(Path dataDir) throws IOException {
        return open(dataDir, EmbeddedBlobStore.DEFAULT_INLINE_MAX);
    }

    /**
     * Opens the storage in {@code dataDir}, creating folders and database on first use. Messages of up to
     * {@code inlineBlobMax} octets are kept in the database ({@code store.inline_blob_max}; 0: all in files).
     */
    public static EmbeddedStorage open(Path dataDir, int inlineBlobMax) throws IOException {
        return open(dataDir, inlineBlobMax, StoreValues.DEFAULT_EXPUNGED_KEPT);
    }

    /** As above, keeping {@code expungedKept} expunge records per mailbox for QRESYNC ({@code store.expunged_kept}). */
    public static EmbeddedStorage open(Path dataDir, int inlineBlobMax, int expungedKept) throws IOException {
        Files.createDirectories(dataDir);
        Path tmp = Files.createDirectories(dataDir.resolve("tmp"));
        // sqlite-jdbc unpacks its native library into java.io.tmpdir unless told otherwise, and /tmp is
        // often mounted noexec on servers. Must be set before the driver class loads (the first open).
        if (System.getProperty("org.sqlite.tmpdir") == null) {
            System.setProperty("org.sqlite.tmpdir", tmp.toAbsolutePath().toString());
        }
        FileBlobStore files = new FileBlobStore(dataDir.resolve("blobs"));
        SqliteDatabase database = SqliteDatabase.open(dataDir.resolve("mailroom.db"), files);
        try {
            EmbeddedBlobStore blobs = new EmbeddedBlobStore(files, database, inlineBlobMax);
            blobs.sweepOrphans(System.currentTimeMillis());
            return new EmbeddedStorage(blobs, database, expungedKept);
        } catch (IOException | RuntimeException e) {
            database.close();
            throw e;
        }
    }

    @Override
    public Stores stores() {
        return stores;
    }

    /** Finishes pending writes (blobs that nothing named yet too), then closes the database. */
    @Override
    public void close() {
        try {
            blobStore.close();
        } catch (IOException e) {
            // Closed already: the database has stopped taking work.
        }
        database.close();
    }

    /** Batches committed so far; tests use it to see group commit at work. */
    long commits() {
        return database.commits();
    }

    /** For tests that look at where blobs went. */
    EmbeddedBlobStore embeddedBlobs() {
        return blobStore;
    }

    /** For tests that need to hold the writer still. */
    SqliteDatabase database() {
        return database;
    }
}
