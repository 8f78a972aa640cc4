package org.mailroom.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.MailStore.Target;
import org.mailroom.core.store.MailStoreException;
import org.mailroom.core.store.MessageRecord;

/** The writer's batching, made deterministic by holding the writer until every job is queued. */
class GroupCommitTest {

    @TempDir
    Path dataDir;

    private EmbeddedStorage storage;
    private ExecutorService pool;

    @BeforeEach
    void open() throws Exception {
        storage = EmbeddedStorage.open(dataDir);
        pool = Executors.newFixedThreadPool(10);
    }

    @AfterEach
    void close() {
        pool.shutdownNow();
        storage.close();
    }

    /** PRAGMA synchronous of the writer connection as a batch sees it: 1 NORMAL, 2 FULL. */
    private long synchronousInBatch(boolean unsynced) throws Exception {
        SqliteDatabase.Work<Long> work = tx -> tx.sql().queryLong("PRAGMA synchronous").orElseThrow();
        return unsynced ? storage.database().writeUnsynced(work) : storage.database().write(work);
    }

    @Test
    void flagOnlyBatchesCommitWithoutFsyncAndAnyOtherWorkMakesTheBatchFull() throws Exception {
        assertThat(synchronousInBatch(true)).isEqualTo(1);
        assertThat(synchronousInBatch(false)).isEqualTo(2);

        // Queued behind a held writer, an unsynced job and a full one share a batch: it commits FULL.
        CountDownLatch release = new CountDownLatch(1);
        Future<?> blocker = pool.submit(() -> storage.database().write(tx -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            return null;
        }));
        await().atMost(5, TimeUnit.SECONDS).until(() -> storage.database().queuedWrites() == 0);
        Future<Long> unsynced = pool.submit(() -> synchronousInBatch(true));
        await().atMost(5, TimeUnit.SECONDS).until(() -> storage.database().queuedWrites() == 1);
        Future<Long> full = pool.submit(() -> synchronousInBatch(false));
        await().atMost(5, TimeUnit.SECONDS).until(() -> storage.database().queuedWrites() == 2);
        release.countDown();
        blocker.get(10, TimeUnit.SECONDS);
        assertThat(unsynced.get(10, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(full.get(10, TimeUnit.SECONDS)).isEqualTo(2);
    }

    @Test
    void aFlagChangeIsSeenByReadersAtOnce() throws Exception {
        MailStore store = storage.mailStore();
        MailStore.Placed placed = store.deliver(newMessage("flags"), List.of(Target.inbox("alice@example.test"))).get(0);
        store.updateFlags(placed.mailboxId(), List.of(placed.uid()), MailStore.FlagOp.ADD, Set.of("\\Flagged"));
        assertThat(store.messages(placed.mailboxId()).get(0).flags()).contains("\\Flagged");
    }

    @Test
    void queuedDeliveriesShareOneCommitAndAFailingOneFailsAlone() throws Exception {
        MailStore store = storage.mailStore();
        CountDownLatch release = new CountDownLatch(1);
        Future<?> blocker = pool.submit(() -> storage.database().write(tx -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            return null;
        }));
        await().atMost(5, TimeUnit.SECONDS).until(() -> storage.database().queuedWrites() == 0);

        List<Future<List<MailStore.Placed>>> deliveries = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            MailStore.NewMessage message = newMessage("message " + i);
            List<Target> targets = i == 4
                    ? List.of(Target.inbox("bob@example.test"), new Target(" ", "INBOX", Set.of()))
                    : List.of(Target.inbox("alice@example.test"), Target.inbox("bob@example.test"));
            deliveries.add(pool.submit(() -> store.deliver(message, targets)));
        }
        // Each small blob's row goes in with its delivery: one job per message.
        await().atMost(5, TimeUnit.SECONDS).until(() -> storage.database().queuedWrites() == 9);
        long commitsBefore = storage.commits();
        release.countDown();
        blocker.get(10, TimeUnit.SECONDS);

        for (int i = 0; i < 9; i++) {
            Future<List<MailStore.Placed>> delivery = deliveries.get(i);
            if (i == 4) {
                assertThatThrownBy(() -> delivery.get(10, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(MailStoreException.class);
            } else {
                assertThat(delivery.get(10, TimeUnit.SECONDS)).hasSize(2);
            }
        }
        // The blocker's batch committed once; the nine deliveries and their blobs committed together, once.
        assertThat(storage.commits() - commitsBefore).isEqualTo(2);
        long bobInbox = store.mailbox("bob@example.test", "INBOX").orElseThrow().id();
        assertThat(store.messages(bobInbox)).extracting(MessageRecord::uid)
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
    }

    @Test
    void closeFinishesQueuedWorkThenRefusesMore() throws Exception {
        MailStore store = storage.mailStore();
        List<Future<List<MailStore.Placed>>> deliveries = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            MailStore.NewMessage message = newMessage("m" + i);
            deliveries.add(pool.submit(() -> store.deliver(message, List.of(Target.inbox("alice@example.test")))));
        }
        for (Future<List<MailStore.Placed>> delivery : deliveries) delivery.get(10, TimeUnit.SECONDS);
        storage.close();
        assertThatThrownBy(() -> store.createMailbox("alice@example.test", "Late"))
                .hasMessageContaining("closed");

        storage = EmbeddedStorage.open(dataDir);
        assertThat(storage.mailStore().mailbox("alice@example.test", "INBOX").orElseThrow().messages()).isEqualTo(5);
    }

    private MailStore.NewMessage newMessage(String text) throws Exception {
        BlobStore blobs = storage.blobStore();
        try (BlobStore.BlobWriter writer = blobs.create()) {
            writer.write(text.getBytes(StandardCharsets.UTF_8));
            return new MailStore.NewMessage(writer.commit(), writer.size(), Instant.now());
        }
    }
}
