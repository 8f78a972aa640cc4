package org.mailroom.storage.embedded;

import java.io.IOException;
import java.nio.file.Path;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.MailQueue;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.SieveScripts;
import org.mailroom.storage.contract.StorageBackend;

/** {@link EmbeddedStorage} as the contract suites see it. */
final class EmbeddedBackend implements StorageBackend {

    final EmbeddedStorage storage;

    private EmbeddedBackend(EmbeddedStorage storage) {
        this.storage = storage;
    }

    static EmbeddedBackend open(Path dataDir) throws IOException {
        return new EmbeddedBackend(EmbeddedStorage.open(dataDir));
    }

    /** With another limit for blobs kept in the database (0: every blob a file). */
    static EmbeddedBackend open(Path dataDir, int inlineBlobMax) throws IOException {
        return new EmbeddedBackend(EmbeddedStorage.open(dataDir, inlineBlobMax));
    }

    /** Keeping {@code expungedKept} expunge records per mailbox. */
    static EmbeddedBackend open(Path dataDir, int inlineBlobMax, int expungedKept) throws IOException {
        return new EmbeddedBackend(EmbeddedStorage.open(dataDir, inlineBlobMax, expungedKept));
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
