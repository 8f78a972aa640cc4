package org.mailroom.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MailQueue;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.MailStore.NewMessage;
import org.mailroom.core.store.MailStore.Target;
import org.mailroom.core.store.MailboxEvent;
import org.mailroom.core.store.MessageRecord;
import org.mailroom.storage.contract.MailStoreContract;
import org.mailroom.storage.contract.StorageBackend;

/** The MailStore contract on PostgreSQL, then what only several nodes on one database can show. */
class PgMailStoreTest extends MailStoreContract {

    private static final String ALICE = "alice@example.test";

    @RegisterExtension
    static final TestPostgres postgres = new TestPostgres();

    @TempDir
    Path tmp;

    @Override
    protected StorageBackend openBackend() throws Exception {
        return PgBackend.open(postgres.url(), tmp);
    }

    @Override
    protected StorageBackend openKeepingExpunged(int kept) throws Exception {
        return PgBackend.open(postgres.url(), tmp, kept);
    }

    private static NewMessage message(BlobStore blobs, String text) throws Exception {
        try (BlobStore.BlobWriter w = blobs.create()) {
            w.write(text.getBytes(StandardCharsets.UTF_8));
            return new NewMessage(w.commit(), text.length(), Instant.now());
        }
    }

    @Test
    void twoNodesDeliveringAtOnceGetDistinctUidsWithoutGaps() throws Exception {
        StorageBackend a = open();
        StorageBackend b = open();
        int threads = 8;
        int perThread = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Long>>> futures = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                StorageBackend node = t % 2 == 0 ? a : b;
                futures.add(pool.submit(() -> {
                    start.await();
                    List<Long> uids = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        NewMessage m = message(node.blobStore(), "m" + i);
                        // Two targets in one delivery, in both orders across threads: must not deadlock.
                        List<Target> targets = i % 2 == 0
                                ? List.of(Target.inbox(ALICE), Target.inbox("bob@example.test"))
                                : List.of(Target.inbox("bob@example.test"), Target.inbox(ALICE));
                        uids.add(node.mailStore().deliver(m, targets).get(i % 2 == 0 ? 0 : 1).uid());
                    }
                    return uids;
                }));
            }
            start.countDown();
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> f : futures) {
                List<Long> uids = f.get(60, TimeUnit.SECONDS);
                assertThat(uids).isSorted();
                all.addAll(uids);
            }
            int total = threads * perThread;
            assertThat(all).doesNotHaveDuplicates().hasSize(total);
            long inbox = a.mailStore().mailbox(ALICE, "INBOX").orElseThrow().id();
            assertThat(b.mailStore().messages(inbox)).extracting(MessageRecord::uid)
                    .as("1..n: no gaps, none twice").containsExactlyElementsOf(
                            java.util.stream.LongStream.rangeClosed(1, total).boxed().toList());
            assertThat(a.mailStore().mailbox(ALICE, "INBOX").orElseThrow().uidNext()).isEqualTo(total + 1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anotherNodeHearsOfChangesThroughNotify() throws Exception {
        PgBackend a = (PgBackend) open();
        PgBackend b = (PgBackend) open();
        List<MailboxEvent> heardOnB = new CopyOnWriteArrayList<>();
        b.mailStore().subscribe(ALICE, heardOnB::add);
        await().atMost(10, TimeUnit.SECONDS).until(b.storage::isListening);

        var placed = a.mailStore().deliver(message(a.blobStore(), "x"), List.of(Target.inbox(ALICE))).get(0);
        await().atMost(5, TimeUnit.SECONDS).until(() -> heardOnB.size() == 1);
        assertThat(heardOnB.get(0).kind()).isEqualTo(MailboxEvent.Kind.APPENDED);
        assertThat(heardOnB.get(0).uids()).containsExactly(placed.uid());
        assertThat(heardOnB.get(0).mailboxId()).isEqualTo(placed.mailboxId());

        // Many UIDs at once are split over several notifications and arrive whole.
        List<Long> uids = new ArrayList<>();
        for (int i = 0; i < 900; i++) uids.add((long) i + 1);
        a.mailStore().deliver(message(a.blobStore(), "y"), List.of(Target.inbox(ALICE)));
        a.mailStore().expunge(placed.mailboxId(), uids);
        await().atMost(5, TimeUnit.SECONDS).until(() -> heardOnB.stream()
                .filter(e -> e.kind() == MailboxEvent.Kind.EXPUNGED).mapToInt(e -> e.uids().size()).sum() == 2);
    }

    @Test
    void maildropLockHoldsAcrossNodesAndDiesWithItsNode() throws Exception {
        StorageBackend a = open();
        StorageBackend b = open();
        Optional<AutoCloseable> held = a.mailStore().lockMaildrop(ALICE);
        assertThat(held).isPresent();
        assertThat(b.mailStore().lockMaildrop(ALICE)).as("other node").isEmpty();
        assertThat(b.mailStore().lockMaildrop("bob@example.test")).isPresent();
        held.get().close();
        Optional<AutoCloseable> onB = b.mailStore().lockMaildrop(ALICE);
        assertThat(onB).isPresent();
        assertThat(a.mailStore().lockMaildrop(ALICE)).isEmpty();

        close(b); // the node goes away without releasing: its connection's locks go with it
        await().atMost(10, TimeUnit.SECONDS).until(() -> {
            Optional<AutoCloseable> lock = a.mailStore().lockMaildrop(ALICE);
            lock.ifPresent(l -> {
                try {
                    l.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            return lock.isPresent();
        });
    }

    @Test
    void twoNodesClaimingTheQueueTakeDifferentEntries() throws Exception {
        StorageBackend a = open();
        StorageBackend b = open();
        Instant now = Instant.parse("2026-11-29T12:00:00Z");
        String blob = message(a.blobStore(), "remote").blobId();
        for (int i = 0; i < 40; i++) a.mailQueue().enqueue(blob, null, List.of("r" + i + "@remote.test"), now);
        List<String> claimed = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                MailQueue queue = (t % 2 == 0 ? a : b).mailQueue();
                futures.add(pool.submit(() -> {
                    List<MailQueue.Entry> got;
                    while (!(got = queue.claimDue(now, 3, Duration.ofMinutes(5))).isEmpty()) {
                        got.forEach(e -> claimed.add(e.id()));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) f.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(claimed).hasSize(40).doesNotHaveDuplicates();
    }

    @Test
    void blobsLiveInTheDatabaseNotOnTheNode() throws Exception {
        StorageBackend a = open();
        StorageBackend b = open();
        NewMessage m = message(a.blobStore(), "Subject: shared\r\n\r\nread me anywhere\r\n");
        MailStore.Placed placed = a.mailStore().deliver(m, List.of(Target.inbox(ALICE))).get(0);
        MessageRecord record = b.mailStore().messages(placed.mailboxId()).get(0);
        assertThat(readBlob(b.blobStore(), record.blobId())).endsWith("read me anywhere\r\n");
    }
}
