package org.mailroom.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MailStore;
import org.mailroom.storage.contract.BlobStoreContract;
import org.mailroom.storage.contract.StorageBackend;

class EmbeddedBlobStoreTest extends BlobStoreContract {

    @TempDir
    Path dataDir;

    private int inlineMaxForNextOpen = EmbeddedBlobStore.DEFAULT_INLINE_MAX;

    @Override
    protected StorageBackend openBackend() throws Exception {
        return EmbeddedBackend.open(dataDir, inlineMaxForNextOpen);
    }

    @Override
    protected long uncommittedBlobCount() throws Exception {
        try (Stream<Path> files = Files.list(dataDir.resolve("blobs/tmp"))) {
            return files.count();
        }
    }

    @Test
    void largeBlobsAreFilesFannedOutByTheirId() throws Exception {
        String text = "x".repeat(EmbeddedBlobStore.DEFAULT_INLINE_MAX + 1);
        String id = writeBlob(open().blobStore(), text);
        assertThat(id).matches("[0-9a-f]{32}");
        assertThat(fileOf(id)).hasContent(text);
    }

    @Test
    void smallBlobsAreRowsAndAWriterMovesToAFileWhenItPassesTheLimit() throws Exception {
        EmbeddedStorage storage = ((EmbeddedBackend) open(100)).storage;
        BlobStore blobs = storage.blobStore();
        String small = writeBlob(blobs, "y".repeat(100));
        String crossing;
        try (BlobStore.BlobWriter writer = blobs.create()) {
            writer.write("a".repeat(60).getBytes(StandardCharsets.US_ASCII));
            writer.write(ByteBuffer.wrap("b".repeat(60).getBytes(StandardCharsets.US_ASCII)));
            assertThat(writer.size()).isEqualTo(120);
            crossing = writer.commit();
        }
        assertThat(storage.embeddedBlobs().isInline(small)).isTrue();
        assertThat(fileOf(small)).doesNotExist();
        assertThat(storage.embeddedBlobs().isInline(crossing)).isFalse();
        assertThat(fileOf(crossing)).hasContent("a".repeat(60) + "b".repeat(60));
        assertThat(readBlob(blobs, small)).isEqualTo("y".repeat(100));
        assertThat(blobs.size(small)).isEqualTo(100);
        try (InputStream in = blobs.open(small)) {
            assertThat(in.skip(98)).isEqualTo(98); // IMAP partial fetches skip into the bytes
            assertThat(in.readAllBytes()).hasSize(2);
        }
    }

    @Test
    void blobFilesOfAnOlderDataDirectoryAreReadAndDeletedWithTheirLastMessage() throws Exception {
        BlobStore old = new FileBlobStore(dataDir.resolve("blobs"));
        String id = writeBlob(old, "Subject: from before\r\n\r\nhi\r\n");
        EmbeddedStorage storage = ((EmbeddedBackend) open()).storage;
        assertThat(readBlob(storage.blobStore(), id)).startsWith("Subject: from before");
        assertThat(storage.blobStore().size(id)).isEqualTo(28);

        long uid = deliver(storage, id, 28);
        storage.mailStore().expunge(inboxId(storage), List.of(uid));
        assertThat(fileOf(id)).doesNotExist();
    }

    @Test
    void expungingTheLastMessageDeletesItsRowAndOneMessageOfTwoKeepsIt() throws Exception {
        EmbeddedStorage storage = ((EmbeddedBackend) open()).storage;
        String id = writeBlob(storage.blobStore(), "Subject: s\r\n\r\nbody\r\n");
        long first = deliver(storage, id, 20);
        long second = deliver(storage, id, 20);
        storage.mailStore().expunge(inboxId(storage), List.of(first));
        assertThat(readBlob(storage.blobStore(), id)).endsWith("body\r\n");
        storage.mailStore().expunge(inboxId(storage), List.of(second));
        assertThat(blobExists(storage.blobStore(), id)).isFalse();
        assertThat(storage.embeddedBlobs().isInline(id)).isFalse();
    }

    @Test
    void theSweepDeletesOldRowsThatNothingNamesOnce() throws Exception {
        StorageBackend first = open();
        EmbeddedStorage storage = ((EmbeddedBackend) first).storage;
        String named = writeBlob(storage.blobStore(), "Subject: kept\r\n\r\n");
        deliver(storage, named, 17);
        String queued = writeBlob(storage.blobStore(), "Subject: queued\r\n\r\n");
        storage.mailQueue().enqueue(queued, "a@example.test", List.of("b@elsewhere.test"), Instant.now());
        String orphan = writeBlob(storage.blobStore(), "Subject: the session died\r\n\r\n");
        close(first); // writes the blob nothing named: a committed blob outlives a restart
        storage = ((EmbeddedBackend) open()).storage;
        assertThat(storage.embeddedBlobs().isInline(orphan)).isTrue();

        long now = System.currentTimeMillis();
        assertThat(storage.embeddedBlobs().sweepOrphans(now)).as("too young: a delivery may be on its way").isZero();
        long later = now + EmbeddedBlobStore.ORPHAN_AGE.toMillis() + 60_000;
        assertThat(storage.embeddedBlobs().sweepOrphans(later)).isEqualTo(1);
        assertThat(blobExists(storage.blobStore(), orphan)).isFalse();
        assertThat(blobExists(storage.blobStore(), named)).isTrue();
        assertThat(blobExists(storage.blobStore(), queued)).isTrue();
        assertThat(storage.embeddedBlobs().sweepOrphans(later)).as("each blob is looked at once").isZero();
    }

    @Test
    void aLoneMessageIsOneCommitForItsBytesAndItsRows() throws Exception {
        EmbeddedStorage storage = ((EmbeddedBackend) open()).storage;
        deliver(storage, writeBlob(storage.blobStore(), "Subject: warm-up\r\n\r\n"), 19); // creates the INBOX
        long before = storage.commits();
        String id = writeBlob(storage.blobStore(), "Subject: alone\r\n\r\nbody\r\n");
        deliver(storage, id, 24);
        assertThat(storage.commits() - before).isEqualTo(1);
        assertThat(storage.embeddedBlobs().isInline(id)).isTrue();
    }

    @Test
    void smallBlobIdsAreValidUniqueAndInTimeOrder() throws Exception {
        EmbeddedStorage storage = ((EmbeddedBackend) open()).storage;
        String first = writeBlob(storage.blobStore(), "Subject: one\r\n\r\n");
        String second = EmbeddedBlobStore.newRowId();
        assertThat(first).matches("[0-9a-f]{32}").isNotEqualTo(second);
        assertThat(first.substring(0, 12)).isLessThanOrEqualTo(second.substring(0, 12));
        assertThat(org.mailroom.storage.StoreValues.isBlobId(second)).isTrue();
    }

    @Test
    void aBlobRefusedAtTheEndOfItsMessageNeverReachesTheDatabase() throws Exception {
        EmbeddedStorage storage = ((EmbeddedBackend) open()).storage;
        long before = storage.commits();
        String id = writeBlob(storage.blobStore(), "Subject: nobody wants it\r\n\r\n");
        storage.blobStore().delete(id);
        assertThat(blobExists(storage.blobStore(), id)).isFalse();
        assertThat(storage.commits()).isEqualTo(before);
    }

    @Test
    void aBlobWhoseRowCannotBeWrittenFailsEveryWriteNamingIt() throws Exception {
        EmbeddedStorage storage = ((EmbeddedBackend) open()).storage;
        // Stands for a full disk: the writer connection refuses new blob rows.
        storage.database().write(tx -> {
            tx.sql().execute("CREATE TEMP TRIGGER refuse_blobs BEFORE INSERT ON blob"
                    + " BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END");
            return null;
        });
        String id = writeBlob(storage.blobStore(), "Subject: lost\r\n\r\n");
        // The row goes in with the rows naming it: when it fails, so do they, and nothing names missing bytes.
        assertThatThrownBy(() -> deliver(storage, id, 17)).isInstanceOf(IOException.class)
                .hasMessageContaining("not stored");
        assertThatThrownBy(() -> storage.mailQueue().enqueue(id, null, List.of("b@elsewhere.test"), Instant.now()))
                .isInstanceOf(IOException.class);
        assertThat(storage.mailStore().mailbox("alice@example.test", "INBOX")).isEmpty();
        assertThat(storage.mailQueue().claimDue(Instant.now().plusSeconds(60), 10, Duration.ofMinutes(1))).isEmpty();
        assertThat(storage.embeddedBlobs().isInline(id)).as("still only in memory").isTrue();
        storage.blobStore().delete(id);
        assertThat(blobExists(storage.blobStore(), id)).isFalse();
    }

    private StorageBackend open(int inlineBlobMax) throws Exception {
        inlineMaxForNextOpen = inlineBlobMax;
        return open();
    }

    private Path fileOf(String id) {
        return dataDir.resolve("blobs").resolve(id.substring(0, 2)).resolve(id.substring(2, 4)).resolve(id);
    }

    private static long deliver(EmbeddedStorage storage, String blobId, long size) throws IOException {
        return storage.mailStore().deliver(new MailStore.NewMessage(blobId, size, Instant.now()),
                List.of(MailStore.Target.inbox("alice@example.test"))).get(0).uid();
    }

    private static long inboxId(EmbeddedStorage storage) throws IOException {
        return storage.mailStore().mailbox("alice@example.test", "INBOX").orElseThrow().id();
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
