package org.mailroom.storage.postgres;

import java.io.IOException;
import java.nio.file.Path;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.MailQueue;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.SieveScripts;
import org.mailroom.storage.contract.StorageBackend;

/** {@link PostgresStorage} as the contract suites see it. */
final class PgBackend implements StorageBackend {

    final PostgresStorage storage;

    private PgBackend(PostgresStorage storage) {
        this.storage = storage;
    }

    static PgBackend open(String url, Path tmp) throws IOException {
        return new PgBackend(PostgresStorage.open(url, "", "", tmp));
    }

    /** Keeping {@code expungedKept} expunge records per mailbox. */
    static PgBackend open(String url, Path tmp, int expungedKept) throws IOException {
        return new PgBackend(PostgresStorage.open(url, "", "", tmp, expungedKept));
    }

    @Override
    public BlobStore blobStore() {
        return storage.blobStore();
    }

    @Override
    public MailStore mailStore() {
        return storage.mailStore();
    }

    @Override
    public Directory directory() {
        return storage.directory();
    }

    @Override
    public MailQueue mailQueue() {
        return storage.mailQueue();
    }

    @Override
    public SieveScripts sieveScripts() {
        return storage.sieveScripts();
    }

    @Override
    public void close() {
        storage.close();
    }
}
