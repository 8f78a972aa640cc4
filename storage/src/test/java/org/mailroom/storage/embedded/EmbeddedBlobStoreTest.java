package org.mailroom.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.storage.contract.BlobStoreContract;
import org.mailroom.storage.contract.StorageBackend;

class EmbeddedBlobStoreTest extends BlobStoreContract {

    @TempDir
    Path dataDir;

    @Override
    protected StorageBackend openBackend() throws Exception {
        return EmbeddedBackend.open(dataDir);
    }

    @Override
    protected long uncommittedBlobCount() throws Exception {
        try (Stream<Path> files = Files.list(dataDir.resolve("blobs/tmp"))) {
            return files.count();
        }
    }

    @Test
    void blobsAreFannedOutByTheirId() throws Exception {
        String id = writeBlob(open().blobStore(), "x");
        assertThat(id).matches("[0-9a-f]{32}");
        assertThat(dataDir.resolve("blobs").resolve(id.substring(0, 2)).resolve(id.substring(2, 4)).resolve(id))
                .hasContent("x");
    }

    @Test
    void staleTempFilesAreDeletedAtOpenButFreshOnesKept() throws Exception {
        Path tmp = Files.createDirectories(dataDir.resolve("blobs/tmp"));
        Path stale = Files.writeString(tmp.resolve("0123456789abcdef0123456789abcdef"), "died");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofDays(1))));
        Path fresh = Files.writeString(tmp.resolve("fedcba9876543210fedcba9876543210"), "writing");

        open();
        assertThat(stale).doesNotExist();
        assertThat(fresh).as("another process may be writing it").exists();
    }
}
