package org.mailroom.storage.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.storage.contract.BlobStoreContract;
import org.mailroom.storage.contract.StorageBackend;

/** The blob contract with every blob a file ({@code store.inline_blob_max = 0}), the large-message path. */
class EmbeddedFileBlobStoreTest extends BlobStoreContract {

    @TempDir
    Path dataDir;

    @Override
    protected StorageBackend openBackend() throws Exception {
        return EmbeddedBackend.open(dataDir, 0);
    }

    @Override
    protected long uncommittedBlobCount() throws Exception {
        try (Stream<Path> files = Files.list(dataDir.resolve("blobs/tmp"))) {
            return files.count();
        }
    }
}
