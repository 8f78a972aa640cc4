package org.mailroom.storage.postgres;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.storage.contract.SieveScriptsContract;
import org.mailroom.storage.contract.StorageBackend;

class PgSieveScriptsTest extends SieveScriptsContract {

    @RegisterExtension
    static final TestPostgres postgres = new TestPostgres();

    @TempDir
    Path tmp;

    @Override
    protected StorageBackend openBackend() throws Exception {
        return PgBackend.open(postgres.url(), tmp);
    }
}
