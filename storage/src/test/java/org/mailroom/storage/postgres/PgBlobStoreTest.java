package org.mailroom.storage.postgres;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.storage.contract.BlobStoreContract;
import org.mailroom.storage.contract.StorageBackend;

class PgBlobStoreTest extends BlobStoreContract {

    @RegisterExtension
    static final TestPostgres postgres = new TestPostgres();

    @TempDir
    Path tmp;

    @Override
    protected StorageBackend openBackend() throws Exception {
        return PgBackend.open(postgres.url(), tmp);
    }

    @Override
    protected long uncommittedBlobCount() throws Exception {
        try (var files = java.nio.file.Files.list(tmp)) {
            return files.count();
        }
    }
}
