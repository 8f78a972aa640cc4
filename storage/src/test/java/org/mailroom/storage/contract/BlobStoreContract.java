package org.mailroom.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MailStore;

/** The {@link BlobStore} contract. */
public abstract class BlobStoreContract extends StorageContract {

    @Test
    void writeCommitReadSizeDelete() throws Exception {
        BlobStore blobs = open().blobStore();
        String id;
        try (BlobStore.BlobWriter writer = blobs.create()) {
            writer.write("Subject: hi\r\n".getBytes());
            writer.write(ByteBuffer.wrap("\r\nbody\r\n".getBytes()));
            assertThat(writer.size()).isEqualTo(21);
            id = writer.commit();
        }
        assertThat(readBlob(blobs, id)).isEqualTo("Subject: hi\r\n\r\nbody\r\n");
        assertThat(blobs.size(id)).isEqualTo(21);

        blobs.delete(id);
        assertThat(blobExists(blobs, id)).isFalse();
        assertThatThrownBy(() -> blobs.size(id)).isInstanceOf(NoSuchFileException.class);
        blobs.delete(id); // missing: not an error
    }

    @Test
    void idsAreUniqueAndBlobsSurviveReopen() throws Exception {
        StorageBackend first = open();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 50; i++) ids.add(writeBlob(first.blobStore(), "message " + i));
        assertThat(ids).hasSize(50);
        close(first);

        BlobStore reopened = open().blobStore();
        for (String id : ids) assertThat(readBlob(reopened, id)).startsWith("message ");
    }

    @Test
    void aBlobNamedByADeliveredMessageIsThereAfterReopen() throws Exception {
        StorageBackend first = open();
        String id = writeBlob(first.blobStore(), "Subject: kept\r\n\r\nbody\r\n");
        // The write that names the blob is the point after which it must be durable (BlobWriter.commit).
        first.mailStore().deliver(new MailStore.NewMessage(id, 23, Instant.now()),
                List.of(MailStore.Target.inbox("blobs@example.test")));
        close(first);
        assertThat(readBlob(open().blobStore(), id)).isEqualTo("Subject: kept\r\n\r\nbody\r\n");
    }

    @Test
    void unknownOrMalformedIdsAreNotFound() throws Exception {
        BlobStore blobs = open().blobStore();
        assertThatThrownBy(() -> blobs.open("00000000000000000000000000000000"))
                .isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> blobs.open("../../etc/passwd")).isInstanceOf(NoSuchFileException.class);
        blobs.delete("../nothing");
    }

    @Test
    void emptyBlobIsFine() throws Exception {
        BlobStore blobs = open().blobStore();
        String id = writeBlob(blobs, "");
        assertThat(blobs.size(id)).isZero();
        assertThat(readBlob(blobs, id)).isEmpty();
    }

    @Test
    void writerClosedWithoutCommitLeavesNothing() throws Exception {
        BlobStore blobs = open().blobStore();
        try (BlobStore.BlobWriter writer = blobs.create()) {
            writer.write("partial".getBytes());
        }
        assertThat(uncommittedBlobCount()).isZero();
    }

    @Test
    void whatWasWrittenCanBeReadBeforeCommitOrInsteadOfIt() throws Exception {
        BlobStore blobs = open().blobStore();
        // Past 64 KiB, so that the embedded store's spilling writer is read back from its file too.
        String large = "x".repeat(100_000);
        try (BlobStore.BlobWriter writer = blobs.create()) {
            writer.write("Subject: look first\r\n\r\n".getBytes());
            try (java.io.InputStream in = writer.written()) {
                assertThat(new String(in.readAllBytes())).isEqualTo("Subject: look first\r\n\r\n");
            }
            writer.write(large.getBytes());
            try (java.io.InputStream in = writer.written()) {
                assertThat(new String(in.readAllBytes())).isEqualTo("Subject: look first\r\n\r\n" + large);
            }
            String id = writer.commit();
            assertThat(readBlob(blobs, id)).isEqualTo("Subject: look first\r\n\r\n" + large);
            assertThatThrownBy(writer::written).isInstanceOf(IllegalStateException.class);
        }
        // Read, then thrown away: nothing is left.
        try (BlobStore.BlobWriter writer = blobs.create()) {
            writer.write("refused".getBytes());
            try (java.io.InputStream in = writer.written()) {
                assertThat(in.readAllBytes()).hasSize(7);
            }
        }
        assertThat(uncommittedBlobCount()).isZero();
    }

    @Test
    void writerCannotBeUsedAfterCommit() throws Exception {
        BlobStore blobs = open().blobStore();
        try (BlobStore.BlobWriter writer = blobs.create()) {
            writer.write("x".getBytes());
            writer.commit();
            assertThatThrownBy(() -> writer.write("y".getBytes())).isInstanceOf(IllegalStateException.class);
        }
    }

    /** How many uncommitted blobs the backend is holding (temp files, large objects...). */
    protected abstract long uncommittedBlobCount() throws Exception;
}
