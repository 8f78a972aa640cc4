package org.mailroom.storage.postgres;

import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;
import org.mailroom.storage.Storage;
import org.mailroom.storage.StoreValues;
import org.mailroom.storage.sql.SqlStores;

/**
 * Storage for several nodes: everything in one PostgreSQL database, which the operator backs up and replicates
 * with PostgreSQL's own tools. Each node (each server process, and each admin command) opens it with
 * {@link #open}: the schema is migrated first (safe when nodes start together), then a connection pool, a
 * listener connection for change events ({@link PgEvents}) and a lock connection for POP3 ({@link PgMaildropLocks}).
 *
 * <p>Example: {@code PostgresStorage.open("jdbc:postgresql://db.example.org/mailroom", "mailroom", secret, tmp)}.
 */
public final class PostgresStorage implements Storage {

    private static final int POOL_SIZE = 16;

    private final PgDatabase database;
    private final PgEvents events;
    private final PgMaildropLocks maildropLocks;
    private final PgBlobStore blobStore;
    private final Stores stores;

    private PostgresStorage(PgDatabase database, Path tmp, int expungedKept) {
        this.database = database;
        this.events = new PgEvents(database, UUID.randomUUID().toString());
        this.maildropLocks = new PgMaildropLocks(database);
        this.blobStore = new PgBlobStore(database, tmp);
        this.stores = SqlStores.of(blobStore, new PgTransactions(database), PgDialect.INSTANCE, events, maildropLocks,
                expungedKept);
    }

    /**
     * Opens the database at the JDBC {@code url} ({@code jdbc:postgresql://host:port/db}); {@code user} and
     * {@code password} may be empty when the URL carries them. Blobs being received are buffered in {@code tmp}.
     */
    public static PostgresStorage open(String url, String user, String password, Path tmp) throws IOException {
        return open(url, user, password, tmp, StoreValues.DEFAULT_EXPUNGED_KEPT);
    }

    /** As above, keeping {@code expungedKept} expunge records per mailbox for QRESYNC ({@code store.expunged_kept}). */
    public static PostgresStorage open(String url, String user, String password, Path tmp, int expungedKept)
            throws IOException {
        return new PostgresStorage(PgDatabase.open(url, user, password, POOL_SIZE), tmp, expungedKept);
    }

    /** As above, buffering blobs being received in the system's temporary directory. */
    public static PostgresStorage open(String url, String user, String password) throws IOException {
        return open(url, user, password, Path.of(System.getProperty("java.io.tmpdir"), "mailroom-blobs"));
    }

    @Override
    public Stores stores() {
        return stores;
    }

    /** Whether this node hears other nodes' changes right now (the listener connection is up). */
    public boolean isListening() {
        return events.isListening();
    }

    /** Temporary files of blob writers still open (for tests). */
    long temporaryBlobFiles() throws IOException {
        return blobStore.temporaryFiles();
    }

    @Override
    public void close() {
        events.close();
        maildropLocks.close();
        database.close();
    }
}
