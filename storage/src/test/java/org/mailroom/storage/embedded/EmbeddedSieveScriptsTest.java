package org.mailroom.storage.embedded;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.storage.contract.SieveScriptsContract;
import org.mailroom.storage.contract.StorageBackend;

class EmbeddedSieveScriptsTest extends SieveScriptsContract {

    @TempDir
    Path dataDir;

    @Override
    protected StorageBackend openBackend() throws Exception {
        return EmbeddedBackend.open(dataDir);
    }
}
