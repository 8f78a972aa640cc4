package org.mailroom.storage;

import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.MailQueue;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.SieveScripts;

/**
 * One open storage backend with its stores: {@link org.mailroom.storage.embedded.EmbeddedStorage} (one
 * machine, a data directory) or {@link org.mailroom.storage.postgres.PostgresStorage} (several nodes, one
 * PostgreSQL database). The server and the admin commands hold this type and never ask which one it is.
 */
public interface Storage extends AutoCloseable {

    /** The stores of one backend, built together when it opens. */
    record Stores(BlobStore blobStore, MailStore mailStore, Directory directory, MailQueue mailQueue,
                  SieveScripts sieveScripts) {
    }

    Stores stores();

    default BlobStore blobStore() {
        return stores().blobStore();
    }

    default MailStore mailStore() {
        return stores().mailStore();
    }

    default Directory directory() {
        return stores().directory();
    }

    default MailQueue mailQueue() {
        return stores().mailQueue();
    }

    /** Every account's Sieve scripts and the marks of vacation and the duplicate test. */
    default SieveScripts sieveScripts() {
        return stores().sieveScripts();
    }

    /** Finishes pending writes and releases connections, files and locks. */
    @Override
    void close();
}
