package org.mailroom.storage.contract;

import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.MailQueue;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.SieveScripts;

/** One open instance of a storage backend, as the contract suites see it. */
public interface StorageBackend extends AutoCloseable {

    BlobStore blobStore();

    MailStore mailStore();

    Directory directory();

    MailQueue mailQueue();

    SieveScripts sieveScripts();

    @Override
    void close() throws Exception;
}
