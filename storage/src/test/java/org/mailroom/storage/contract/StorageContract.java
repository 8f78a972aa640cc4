package org.mailroom.storage.contract;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.mailroom.core.store.BlobStore;

/**
 * What every contract suite needs from a backend: a way to open it, again and again, on the same
 * underlying storage (to test reopening, and a second process such as the admin CLI).
 */
public abstract class StorageContract {

    private final List<StorageBackend> opened = new ArrayList<>();

    /** Opens a new instance on this test's storage; every call sees the same data. */
    protected abstract StorageBackend openBackend() throws Exception;

    /** Opens an instance that is closed after the test. */
    protected final StorageBackend open() throws Exception {
        StorageBackend backend = openBackend();
        opened.add(backend);
        return backend;
    }

    /** Closes {@code backend}, opened some other way than {@link #open}, after the test. */
    protected final StorageBackend opened(StorageBackend backend) {
        opened.add(backend);
        return backend;
    }

    /** Closes an instance early, e.g. to reopen the storage. */
    protected final void close(StorageBackend backend) throws Exception {
        opened.remove(backend);
        backend.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (StorageBackend backend : opened) backend.close();
        opened.clear();
    }

    protected static String writeBlob(BlobStore blobs, String text) throws IOException {
        try (BlobStore.BlobWriter writer = blobs.create()) {
            writer.write(text.getBytes(StandardCharsets.UTF_8));
            return writer.commit();
        }
    }

    protected static String readBlob(BlobStore blobs, String id) throws IOException {
        try (InputStream in = blobs.open(id)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    protected static boolean blobExists(BlobStore blobs, String id) {
        try {
            blobs.size(id);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
