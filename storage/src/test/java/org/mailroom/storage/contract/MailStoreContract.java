package org.mailroom.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.Mailbox;
import org.mailroom.core.store.MailboxEvent;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.MailStore.FlagOp;
import org.mailroom.core.store.MailStore.NewMessage;
import org.mailroom.core.store.MailStore.Placed;
import org.mailroom.core.store.MailStore.Target;
import org.mailroom.core.store.MailStoreException;
import org.mailroom.core.store.MessageRecord;

/** The {@link MailStore} contract. */
public abstract class MailStoreContract extends StorageContract {

    private static final String ALICE = "alice@example.test";
    private static final String BOB = "bob@example.test";
    private static final Instant WHEN = Instant.parse("2026-11-29T10:15:30.123Z");

    private NewMessage newMessage(BlobStore blobs, String text) throws Exception {
        String id = writeBlob(blobs, text);
        return new NewMessage(id, text.length(), WHEN);
    }

    @Test
    void deliveryToSeveralAccountsIsOneBlobAndOneRowEach() throws Exception {
        StorageBackend backend = open();
        MailStore store = backend.mailStore();
        NewMessage message = newMessage(backend.blobStore(), "Subject: to both\r\n\r\nhello\r\n");

        List<Placed> placed = store.deliver(message, List.of(Target.inbox(ALICE), Target.inbox(BOB),
                new Target(ALICE, "Archive", Set.of("\\Seen"))));

        assertThat(placed).extracting(Placed::account).containsExactly(ALICE, BOB, ALICE);
        assertThat(placed).extracting(Placed::uid).containsExactly(1L, 1L, 1L);
        Mailbox aliceInbox = store.mailbox(ALICE, "INBOX").orElseThrow();
        assertThat(aliceInbox.messages()).isEqualTo(1);
        assertThat(aliceInbox.size()).isEqualTo(message.size());
        assertThat(aliceInbox.uidNext()).isEqualTo(2);
        List<MessageRecord> records = store.messages(aliceInbox.id());
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.blobId()).isEqualTo(message.blobId());
            assertThat(r.size()).isEqualTo(message.size());
            assertThat(r.internalDate()).isEqualTo(WHEN);
            assertThat(r.flags()).isEmpty();
        });
        Mailbox archive = store.mailbox(ALICE, "Archive").orElseThrow();
        assertThat(store.messages(archive.id())).singleElement()
                .satisfies(r -> assertThat(r.flags()).containsExactly("\\Seen"));
        Mailbox bobInbox = store.mailbox(BOB, "inbox").orElseThrow();
        assertThat(store.messages(bobInbox.id())).extracting(MessageRecord::blobId)
                .containsExactly(message.blobId());
        assertThat(store.listMailboxes(ALICE)).extracting(Mailbox::name).containsExactly("Archive", "INBOX");
    }

    @Test
    void inboxIsMatchedCaseInsensitivelyAndSpeltInbox() throws Exception {
        StorageBackend backend = open();
        MailStore store = backend.mailStore();
        store.deliver(newMessage(backend.blobStore(), "a"), List.of(new Target(ALICE, "inBox", Set.of())));
        store.deliver(newMessage(backend.blobStore(), "b"), List.of(Target.inbox(ALICE)));

        assertThat(store.listMailboxes(ALICE)).singleElement().satisfies(m -> {
            assertThat(m.name()).isEqualTo("INBOX");
            assertThat(m.isInbox()).isTrue();
            assertThat(m.messages()).isEqualTo(2);
        });
        assertThat(store.mailbox(ALICE, "Inbox")).isPresent();
        assertThatThrownBy(() -> store.createMailbox(ALICE, "inbox"))
                .isInstanceOf(MailStoreException.AlreadyExists.class);
        // Other names keep their case.
        store.createMailbox(ALICE, "Work");
        assertThat(store.mailbox(ALICE, "work")).isEmpty();
    }

    @Test
    void uidsAscendAndAreNeverReusedAfterExpungeOrReopen() throws Exception {
        StorageBackend backend = open();
        MailStore store = backend.mailStore();
        List<Long> uids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            uids.add(store.deliver(newMessage(backend.blobStore(), "m" + i), List.of(Target.inbox(ALICE)))
                    .get(0).uid());
        }
        assertThat(uids).containsExactly(1L, 2L, 3L);
        Mailbox inbox = store.mailbox(ALICE, "INBOX").orElseThrow();
        store.expunge(inbox.id(), List.of(2L, 3L));
        long next = store.deliver(newMessage(backend.blobStore(), "m4"), List.of(Target.inbox(ALICE))).get(0).uid();
        assertThat(next).isEqualTo(4);
        close(backend);

        StorageBackend reopened = open();
        MailStore again = reopened.mailStore();
        Mailbox after = again.mailbox(ALICE, "INBOX").orElseThrow();
        assertThat(after.uidValidity()).isEqualTo(inbox.uidValidity());
        assertThat(after.uidNext()).isEqualTo(5);
        again.expunge(after.id(), List.of(4L));
        assertThat(again.deliver(newMessage(reopened.blobStore(), "m5"), List.of(Target.inbox(ALICE))).get(0).uid())
                .isEqualTo(5);
        assertThat(again.messages(after.id())).extracting(MessageRecord::uid).containsExactly(1L, 5L);
    }

    @Test
    void appendAllStoresEveryMessageOrNone() throws Exception {
        StorageBackend backend = open();
        MailStore store = backend.mailStore();
        store.createMailbox(ALICE, "Sent");
        List<MailStore.Placed> placed = store.appendAll(List.of(
                new MailStore.Appending(newMessage(backend.blobStore(), "one"), new Target(ALICE, "Sent", Set.of())),
                new MailStore.Appending(newMessage(backend.blobStore(), "two"),
                        new Target(ALICE, "Sent", Set.of("\\Seen")))));
        assertThat(placed).extracting(MailStore.Placed::uid).containsExactly(1L, 2L);
        Mailbox sent = store.mailbox(ALICE, "Sent").orElseThrow();
        assertThat(sent.messages()).isEqualTo(2);
        assertThat(store.messages(sent.id()).get(1).flags()).containsExactly("\\Seen");

        // The second target is bad: the first message must not stay behind.
        assertThatThrownBy(() -> store.appendAll(List.of(
                new MailStore.Appending(newMessage(backend.blobStore(), "three"), new Target(ALICE, "Sent", Set.of())),
                new MailStore.Appending(newMessage(backend.blobStore(), "four"), new Target(" ", "Sent", Set.of())))))
                .isInstanceOf(MailStoreException.class);
        assertThat(store.messages(sent.id())).extracting(MessageRecord::uid).containsExactly(1L, 2L);
        assertThat(store.mailbox(ALICE, "Sent").orElseThrow().uidNext()).isEqualTo(3);
    }

    @Test
    void createRenameDeleteMailboxes() throws Exception {
        StorageBackend backend = open();
        MailStore store = backend.mailStore();
        Mailbox work = store.createMailbox(ALICE, "Work");
        assertThat(work.uidNext()).isEqualTo(1);
        assertThat(work.uidValidity()).isPositive();
        Mailbox child = store.createMailbox(ALICE, "Work/2026");
        assertThatThrownBy(() -> store.createMailbox(ALICE, "Work"))
                .isInstanceOf(MailStoreException.AlreadyExists.class);
        store.deliver(newMessage(backend.blobStore(), "x"), List.of(new Target(ALICE, "Work", Set.of())));

        store.renameMailbox(ALICE, "Work", "Jobs");
        Mailbox jobs = store.mailbox(ALICE, "Jobs").orElseThrow();
        assertThat(jobs.id()).isEqualTo(work.id());
        assertThat(jobs.uidValidity()).isEqualTo(work.uidValidity());
        assertThat(jobs.uidNext()).isEqualTo(2);
        assertThat(store.messages(jobs.id())).extracting(MessageRecord::uid).containsExactly(1L);
        assertThat(store.mailbox(ALICE, "Jobs/2026")).hasValueSatisfying(m -> assertThat(m.id()).isEqualTo(child.id()));
        assertThat(store.mailbox(ALICE, "Work")).isEmpty();

        store.createMailbox(ALICE, "Other");
        assertThatThrownBy(() -> store.renameMailbox(ALICE, "Jobs", "Other"))
                .isInstanceOf(MailStoreException.AlreadyExists.class);
        assertThatThrownBy(() -> store.renameMailbox(ALICE, "Nothing", "Else"))
                .isInstanceOf(MailStoreException.NotFound.class);

        store.deleteMailbox(ALICE, "Jobs");
        assertThat(store.mailbox(ALICE, "Jobs")).isEmpty();
        assertThatThrownBy(() -> store.deleteMailbox(ALICE, "Jobs")).isInstanceOf(MailStoreException.NotFound.class);
        // Mailboxes belong to their account.
        assertThat(store.listMailboxes(BOB)).isEmpty();
        store.createMailbox(BOB, "Other");
    }

    @Test
    void recreatedMailboxGetsNewUidValidity() throws Exception {
        MailStore store = open().mailStore();
        Mailbox first = store.createMailbox(ALICE, "Temp");
        store.deleteMailbox(ALICE, "Temp");
        Mailbox second = store.createMailbox(ALICE, "Temp");
        assertThat(second.uidValidity()).isNotEqualTo(first.uidValidity());
        assertThat(second.id()).isNotEqualTo(first.id());
    }

    @Test
    void flagChangesBumpModSeq() throws Exception {
        StorageBackend backend = open();
        MailStore store = backend.mailStore();
        store.deliver(newMessage(backend.blobStore(), "1"), List.of(Target.inbox(ALICE)));
        store.deliver(newMessage(backend.blobStore(), "2"), List.of(Target.inbox(ALICE)));
        Mailbox inbox = store.mailbox(ALICE, "INBOX").orElseThrow();
        long modSeq = inbox.highestModSeq();

        List<MessageRecord> added = store.updateFlags(inbox.id(), List.of(1L, 2L, 99L), FlagOp.ADD,
                Set.of("\\Seen", "$Important"));
        assertThat(added).extracting(MessageRecord::uid).containsExactly(1L, 2L);
        assertThat(added).allSatisfy(r -> {
            assertThat(r.flags()).containsExactlyInAnyOrder("\\Seen", "$Important");
            assertThat(r.modSeq()).isGreaterThan(modSeq);
        });
        long afterAdd = store.mailbox(ALICE, "INBOX").orElseThrow().highestModSeq();
        assertThat(afterAdd).isEqualTo(added.get(0).modSeq());

        assertThat(store.updateFlags(inbox.id(), List.of(1L), FlagOp.ADD, Set.of("\\Seen")))
                .as("no change, no new modseq").isEmpty();
        assertThat(store.mailbox(ALICE, "INBOX").orElseThrow().highestModSeq()).isEqualTo(afterAdd);

        List<MessageRecord> removed = store.updateFlags(inbox.id(), List.of(1L), FlagOp.REMOVE, Set.of("\\Seen"));
        assertThat(removed).singleElement().satisfies(r -> {
            assertThat(r.flags()).containsExactly("$Important");
            assertThat(r.modSeq()).isGreaterThan(afterAdd);
        });
        List<MessageRecord> replaced = store.updateFlags(inbox.id(), List.of(2L), FlagOp.REPLACE,
                Set.of("\\Flagged"));
        assertThat(replaced).singleElement().satisfies(r -> assertThat(r.flags()).containsExactly("\\Flagged"));
        assertThat(store.messages(inbox.id())).extracting(MessageRecord::flags)
                .containsExactly(Set.of("$Important"), Set.of("\\Flagged"));
        assertThat(store.mailbox(ALICE, "INBOX").orElseThrow().highestModSeq())
                .isEqualTo(replaced.get(0).modSeq());
    }

    @Test
    void expungeDeletesTheBlobOnlyWhenNoRowRemains() throws Exception {
        StorageBackend backend = open();
        MailStore store = backend.mailStore();
        NewMessage message = newMessage(backend.blobStore(), "shared");
        store.deliver(message, List.of(Target.inbox(ALICE), Target.inbox(BOB)));
        Mailbox alice = store.mailbox(ALICE, "INBOX").orElseThrow();
        Mailbox bob = store.mailbox(BOB, "INBOX").orElseThrow();
        long modSeq = alice.highestModSeq();

        store.expunge(alice.id(), List.of(1L));
        assertThat(store.messages(alice.id())).isEmpty();
        Mailbox aliceAfter = store.mailbox(ALICE, "INBOX").orElseThrow();
        assertThat(aliceAfter.highestModSeq()).isGreaterThan(modSeq);
        assertThat(aliceAfter.messages()).isZero();
        assertThat(aliceAfter.size()).isZero();
        assertThat(blobExists(backend.blobStore(), message.blobId())).isTrue();

        store.expunge(bob.id(), List.of(1L));
        assertThat(blobExists(backend.blobStore(), message.blobId())).isFalse();
    }

    @Test
    void deletingAMailboxReleasesItsBlobs() throws Exception {
        StorageBackend backend = open();
        MailStore store = backend.mailStore();
        NewMessage message = newMessage(backend.blobStore(), "in a folder");
        store.deliver(message, List.of(new Target(ALICE, "Folder", Set.of())));
        store.deleteMailbox(ALICE, "Folder");
        assertThat(blobExists(backend.blobStore(), message.blobId())).isFalse();
    }

    @Test
    void eventsArePublishedAfterCommit() throws Exception {
        StorageBackend backend = open();
        MailStore store = backend.mailStore();
        List<MailboxEvent> events = new CopyOnWriteArrayList<>();
        List<Integer> visibleAtEvent = new CopyOnWriteArrayList<>();
        AutoCloseable failing = store.subscribe(ALICE, e -> {
            throw new IllegalStateException("a broken listener must not stop the others");
        });
        AutoCloseable subscription = store.subscribe(ALICE, e -> {
            events.add(e);
            try {
                // The change is committed when the event arrives: a reader already sees it.
                visibleAtEvent.add(store.messages(e.mailboxId()).size());
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        });
        List<MailboxEvent> bobEvents = new CopyOnWriteArrayList<>();
        store.subscribe(BOB, bobEvents::add);

        Placed placed = store.deliver(newMessage(backend.blobStore(), "x"), List.of(Target.inbox(ALICE))).get(0);
        await().atMost(5, TimeUnit.SECONDS).until(() -> events.size() == 1);
        MailboxEvent appended = events.get(0);
        assertThat(appended.kind()).isEqualTo(MailboxEvent.Kind.APPENDED);
        assertThat(appended.mailboxId()).isEqualTo(placed.mailboxId());
        assertThat(appended.uids()).containsExactly(1L);
        assertThat(appended.modSeq()).isEqualTo(store.mailbox(ALICE, "INBOX").orElseThrow().highestModSeq());
        assertThat(visibleAtEvent).containsExactly(1);

        store.updateFlags(placed.mailboxId(), List.of(1L), FlagOp.ADD, Set.of("\\Seen"));
        store.expunge(placed.mailboxId(), List.of(1L));
        await().atMost(5, TimeUnit.SECONDS).until(() -> events.size() == 3);
        assertThat(events).extracting(MailboxEvent::kind).containsExactly(MailboxEvent.Kind.APPENDED,
                MailboxEvent.Kind.FLAGS_CHANGED, MailboxEvent.Kind.EXPUNGED);
        assertThat(events.get(2).uids()).containsExactly(1L);
        assertThat(events.get(2).modSeq()).isGreaterThan(events.get(1).modSeq());
        assertThat(bobEvents).isEmpty();

        subscription.close();
        failing.close();
        store.deliver(newMessage(backend.blobStore(), "y"), List.of(Target.inbox(ALICE), Target.inbox(BOB)));
        await().atMost(5, TimeUnit.SECONDS).until(() -> bobEvents.size() == 1);
        assertThat(events).hasSize(3);
    }

    @Test
    void concurrentDeliveriesGetDistinctIncreasingUidsAndSurviveReopen() throws Exception {
        StorageBackend backend = open();
        MailStore store = backend.mailStore();
        int threads = 20;
        int perThread = 5;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Long>>> futures = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    List<Long> uids = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        NewMessage message = newMessage(backend.blobStore(), "t" + thread + " m" + i);
                        uids.add(store.deliver(message, List.of(Target.inbox(ALICE))).get(0).uid());
                    }
                    return uids;
                }));
            }
            start.countDown();
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> future : futures) {
                List<Long> uids = future.get(30, TimeUnit.SECONDS);
                assertThat(uids).as("one thread's UIDs increase").isSorted();
                all.addAll(uids);
            }
            assertThat(all).doesNotHaveDuplicates().hasSize(threads * perThread);
        } finally {
            pool.shutdownNow();
        }
        close(backend);

        MailStore reopened = open().mailStore();
        Mailbox inbox = reopened.mailbox(ALICE, "INBOX").orElseThrow();
        assertThat(inbox.messages()).isEqualTo(threads * perThread);
        assertThat(inbox.uidNext()).isEqualTo(threads * perThread + 1);
        assertThat(reopened.messages(inbox.id())).extracting(MessageRecord::uid)
                .isSorted().doesNotHaveDuplicates().hasSize(threads * perThread);
    }

    @Test
    void failedDeliveryLeavesNothingWhileOthersSucceed() throws Exception {
        StorageBackend backend = open();
        MailStore store = backend.mailStore();
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Optional<Placed>>> futures = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                boolean bad = t % 2 == 1;
                NewMessage message = newMessage(backend.blobStore(), "message " + t);
                futures.add(pool.submit(() -> {
                    start.await();
                    // The bad delivery stores its first target, then meets an empty account: all of it must go.
                    List<Target> targets = bad
                            ? List.of(Target.inbox(BOB), new Target("", "INBOX", Set.of()))
                            : List.of(Target.inbox(ALICE));
                    try {
                        return Optional.of(store.deliver(message, targets).get(0));
                    } catch (MailStoreException e) {
                        return Optional.empty();
                    }
                }));
            }
            start.countDown();
            int delivered = 0;
            for (int t = 0; t < threads; t++) {
                Optional<Placed> result = futures.get(t).get(30, TimeUnit.SECONDS);
                assertThat(result.isPresent()).as("delivery " + t).isEqualTo(t % 2 == 0);
                if (result.isPresent()) delivered++;
            }
            assertThat(delivered).isEqualTo(threads / 2);
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.mailbox(BOB, "INBOX")).as("not even the mailbox was created").isEmpty();
        Mailbox inbox = store.mailbox(ALICE, "INBOX").orElseThrow();
        assertThat(store.messages(inbox.id())).extracting(MessageRecord::uid)
                .containsExactly(1L, 2L, 3L, 4L);
        // A later delivery to bob starts at UID 1: the failed one took nothing.
        assertThat(store.deliver(newMessage(backend.blobStore(), "later"), List.of(Target.inbox(BOB))).get(0).uid())
                .isEqualTo(1);
    }

    @Test
    void badMailboxNamesAreRefused() throws Exception {
        MailStore store = open().mailStore();
        assertThatThrownBy(() -> store.createMailbox(ALICE, "")).isInstanceOf(MailStoreException.class);
        assertThatThrownBy(() -> store.createMailbox(ALICE, "a//b")).isInstanceOf(MailStoreException.class);
        assertThatThrownBy(() -> store.deleteMailbox(ALICE, "INBOX")).isInstanceOf(MailStoreException.class);
        assertThat(store.listMailboxes(ALICE)).isEmpty();
    }

    @Test
    void maildropLockIsExclusive() throws Exception {
        MailStore store = open().mailStore();
        Optional<AutoCloseable> first = store.lockMaildrop(ALICE);
        assertThat(first).isPresent();
        assertThat(store.lockMaildrop(ALICE)).isEmpty();
        Optional<AutoCloseable> other = store.lockMaildrop(BOB);
        assertThat(other).isPresent();
        first.get().close();
        first.get().close(); // twice is harmless, and must not release a later holder's lock
        Optional<AutoCloseable> second = store.lockMaildrop(ALICE);
        assertThat(second).isPresent();
        first.get().close();
        assertThat(store.lockMaildrop(ALICE)).isEmpty();
        second.get().close();
        other.get().close();
    }

    /** Internal dates keep at least millisecond precision. */
    @Test
    void internalDateRoundTrips() throws Exception {
        StorageBackend backend = open();
        Instant date = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String blob = writeBlob(backend.blobStore(), "dated");
        backend.mailStore().deliver(new NewMessage(blob, 5, date), List.of(Target.inbox(ALICE)));
        Mailbox inbox = backend.mailStore().mailbox(ALICE, "INBOX").orElseThrow();
        assertThat(backend.mailStore().messages(inbox.id())).singleElement()
                .satisfies(r -> assertThat(r.internalDate()).isEqualTo(date));
    }

    // ---- IMAP additions ----

    @Test
    void copyGivesNewUidsSharesTheBlobAndKeepsFlags() throws Exception {
        StorageBackend backend = open();
        MailStore store = backend.mailStore();
        NewMessage first = newMessage(backend.blobStore(), "one");
        store.deliver(first, List.of(new Target(ALICE, "INBOX", Set.of("\\Flagged"))));
        store.deliver(newMessage(backend.blobStore(), "two"), List.of(Target.inbox(ALICE)));
        Mailbox inbox = store.mailbox(ALICE, "INBOX").orElseThrow();
        Mailbox archive = store.createMailbox(ALICE, "Archive");
        store.deliver(newMessage(backend.blobStore(), "already"), List.of(new Target(ALICE, "Archive", Set.of())));

        MailStore.Copied copied = store.copy(inbox.id(), List.of(2L, 1L, 42L), archive.id());

        assertThat(copied.targetUidValidity()).isEqualTo(archive.uidValidity());
        assertThat(copied.sourceUids()).containsExactly(1L, 2L);
        assertThat(copied.targetUids()).containsExactly(2L, 3L);
        List<MessageRecord> inArchive = store.messages(archive.id());
        assertThat(inArchive).extracting(MessageRecord::uid).containsExactly(1L, 2L, 3L);
        assertThat(inArchive.get(1).blobId()).isEqualTo(first.blobId());
        assertThat(inArchive.get(1).flags()).containsExactly("\\Flagged");
        assertThat(inArchive.get(1).internalDate()).isEqualTo(WHEN);
        assertThat(store.messages(inbox.id())).hasSize(2);
        Mailbox after = store.mailbox(ALICE, "Archive").orElseThrow();
        assertThat(after.uidNext()).isEqualTo(4);
        assertThat(after.messages()).isEqualTo(3);

        store.expunge(inbox.id(), List.of(1L));
        assertThat(blobExists(backend.blobStore(), first.blobId())).as("the copy still refers to it").isTrue();
    }

    @Test
    void moveIsCopyAndExpungeAtOnceAndRecordsTheExpunge() throws Exception {
        StorageBackend backend = open();
        MailStore store = backend.mailStore();
        NewMessage message = newMessage(backend.blobStore(), "moving");
        store.deliver(message, List.of(Target.inbox(ALICE)));
        store.deliver(newMessage(backend.blobStore(), "staying"), List.of(Target.inbox(ALICE)));
        Mailbox inbox = store.mailbox(ALICE, "INBOX").orElseThrow();
        Mailbox trash = store.createMailbox(ALICE, "Trash");
        List<MailboxEvent> events = new CopyOnWriteArrayList<>();
        try (AutoCloseable sub = store.subscribe(ALICE, events::add)) {
            MailStore.Copied moved = store.move(inbox.id(), List.of(1L), trash.id());
            assertThat(moved.sourceUids()).containsExactly(1L);
            assertThat(moved.targetUids()).containsExactly(1L);
        }
        assertThat(store.messages(inbox.id())).extracting(MessageRecord::uid).containsExactly(2L);
        assertThat(store.messages(trash.id())).singleElement()
                .satisfies(r -> assertThat(r.blobId()).isEqualTo(message.blobId()));
        assertThat(blobExists(backend.blobStore(), message.blobId())).isTrue();
        assertThat(store.expungedSince(inbox.id(), inbox.highestModSeq())).containsExactly(1L);
        assertThat(events).extracting(MailboxEvent::kind)
                .containsExactlyInAnyOrder(MailboxEvent.Kind.APPENDED, MailboxEvent.Kind.EXPUNGED);
        Mailbox inboxAfter = store.mailbox(ALICE, "INBOX").orElseThrow();
        assertThat(inboxAfter.messages()).isEqualTo(1);
    }

    @Test
    void usageSumsEveryMailboxOfTheAccountOnly() throws Exception {
        StorageBackend backend = open();
        MailStore store = backend.mailStore();
        assertThat(store.usage(ALICE)).isZero();
        NewMessage five = newMessage(backend.blobStore(), "12345");
        store.deliver(five, List.of(Target.inbox(ALICE), Target.inbox(BOB)));
        store.deliver(newMessage(backend.blobStore(), "123"), List.of(new Target(ALICE, "Archive", Set.of())));
        assertThat(store.usage(ALICE)).isEqualTo(8);
        assertThat(store.usage("Alice@Example.Test")).as("accounts are canonical").isEqualTo(8);
        assertThat(store.usage(BOB)).isEqualTo(5);

        Mailbox inbox = store.mailbox(ALICE, "INBOX").orElseThrow();
        Mailbox archive = store.mailbox(ALICE, "Archive").orElseThrow();
        store.copy(inbox.id(), List.of(1L), archive.id());
        assertThat(store.usage(ALICE)).as("a copy counts again").isEqualTo(13);
        store.move(archive.id(), List.of(1L), inbox.id());
        assertThat(store.usage(ALICE)).as("a move changes nothing").isEqualTo(13);
        store.expunge(inbox.id(), List.of(1L));
        assertThat(store.usage(ALICE)).isEqualTo(8);
        store.deleteMailbox(ALICE, "Archive");
        assertThat(store.usage(ALICE)).isEqualTo(3);
        assertThat(store.usage(BOB)).isEqualTo(5);
    }

    @Test
    void changedAndExpungedSinceAModSeq() throws Exception {
        StorageBackend backend = open();
        MailStore store = backend.mailStore();
        for (String text : List.of("1", "2", "3")) {
            store.deliver(newMessage(backend.blobStore(), text), List.of(Target.inbox(ALICE)));
        }
        Mailbox inbox = store.mailbox(ALICE, "INBOX").orElseThrow();
        long before = inbox.highestModSeq();
        store.updateFlags(inbox.id(), List.of(2L), FlagOp.ADD, Set.of("\\Seen"));
        long middle = store.mailbox(ALICE, "INBOX").orElseThrow().highestModSeq();
        store.expunge(inbox.id(), List.of(3L));

        assertThat(store.changedSince(inbox.id(), before)).extracting(MessageRecord::uid).containsExactly(2L);
        assertThat(store.changedSince(inbox.id(), middle)).isEmpty();
        assertThat(store.changedSince(inbox.id(), 0)).hasSize(2);
        assertThat(store.expungedSince(inbox.id(), before)).containsExactly(3L);
        assertThat(store.expungedSince(inbox.id(), store.mailbox(ALICE, "INBOX").orElseThrow().highestModSeq()))
                .isEmpty();
    }

    @Test
    void keywordsAreCaseInsensitive() throws Exception {
        StorageBackend backend = open();
        MailStore store = backend.mailStore();
        store.deliver(newMessage(backend.blobStore(), "k"), List.of(new Target(ALICE, "INBOX", Set.of("$Junk"))));
        Mailbox inbox = store.mailbox(ALICE, "INBOX").orElseThrow();
        assertThat(store.updateFlags(inbox.id(), List.of(1L), FlagOp.ADD, Set.of("$JUNK"))).isEmpty();
        assertThat(store.updateFlags(inbox.id(), List.of(1L), FlagOp.REMOVE, Set.of("$junk"))).singleElement()
                .satisfies(r -> assertThat(r.flags()).isEmpty());
    }

    @Test
    void subscriptionsAndSpecialUse() throws Exception {
        StorageBackend backend = open();
        MailStore store = backend.mailStore();
        store.createMailbox(ALICE, "Sent", "\\Sent");
        store.createMailbox(ALICE, "Stuff");
        assertThat(store.specialUses(ALICE)).containsExactly(java.util.Map.entry("Sent", "\\Sent"));
        assertThat(store.specialUses(BOB)).isEmpty();

        store.addSubscription(ALICE, "Stuff");
        store.addSubscription(ALICE, "Stuff");
        store.addSubscription(ALICE, "Not/There");
        assertThat(store.subscriptions(ALICE)).containsExactly("Not/There", "Stuff");
        assertThat(store.removeSubscription(ALICE, "Stuff")).isTrue();
        assertThat(store.removeSubscription(ALICE, "Stuff")).isFalse();
        assertThat(store.subscriptions(ALICE)).containsExactly("Not/There");
        assertThat(store.subscriptions(BOB)).isEmpty();
    }

    private static final String MIME_MESSAGE = "From: Alice <alice@example.test>\r\nSubject: =?UTF-8?Q?caf=C3=A9?=\r\n"
            + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n"
            + "--b\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\naGk=\r\n--b--\r\n";

    @Test
    void structureIsStoredAtDeliveryAndSharedByEveryCopy() throws Exception {
        StorageBackend backend = open();
        MailStore store = backend.mailStore();
        NewMessage message = newMessage(backend.blobStore(), MIME_MESSAGE);
        store.deliver(message, List.of(Target.inbox(ALICE), Target.inbox(BOB)));
        Mailbox inbox = store.mailbox(ALICE, "INBOX").orElseThrow();
        Mailbox archive = store.createMailbox(ALICE, "Archive");
        store.copy(inbox.id(), List.of(1L), archive.id());
        // Removing the file behind the store's back shows that the structure no longer needs it.
        backend.blobStore().delete(message.blobId());

        org.mailroom.core.mime.MessageStructure structure = store.structure(message.blobId()).orElseThrow();
        assertThat(structure.headers().subject()).isEqualTo("caf\u00e9");
        assertThat(structure.envelope()).contains("\"alice\" \"example.test\"");
        assertThat(structure.bodyStructure()).startsWith("((\"text\" \"plain\"").contains("\"image\" \"png\"");
        assertThat(store.messages(archive.id())).singleElement()
                .satisfies(r -> assertThat(r.blobId()).isEqualTo(message.blobId()));
    }

    @Test
    void structureGoesWithTheLastMessageThatNamesTheBlob() throws Exception {
        StorageBackend backend = open();
        MailStore store = backend.mailStore();
        NewMessage message = newMessage(backend.blobStore(), MIME_MESSAGE);
        store.deliver(message, List.of(Target.inbox(ALICE), Target.inbox(BOB)));
        store.expunge(store.mailbox(ALICE, "INBOX").orElseThrow().id(), List.of(1L));
        assertThat(store.structure(message.blobId())).isPresent();

        store.expunge(store.mailbox(BOB, "INBOX").orElseThrow().id(), List.of(1L));

        assertThat(store.structure(message.blobId())).isEmpty();
        assertThat(store.structure("no-such-blob")).isEmpty();
    }

    @Test
    void structuresOfManyBlobsComeInOneCallLeavingOutUnknownBlobs() throws Exception {
        StorageBackend backend = open();
        MailStore store = backend.mailStore();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            NewMessage message = newMessage(backend.blobStore(), "Subject: n" + i + "\r\n\r\nx\r\n");
            store.deliver(message, List.of(Target.inbox(ALICE)));
            ids.add(message.blobId());
        }
        ids.add("no-such-blob");

        java.util.Map<String, org.mailroom.core.mime.MessageStructure> found = store.structures(ids);

        assertThat(found).containsOnlyKeys(ids.subList(0, 3));
        assertThat(found.get(ids.get(2)).headers().subject()).isEqualTo("n2");
    }

    /** Opens the backend keeping only {@code kept} expunge records per mailbox (store.expunged_kept). */
    protected abstract StorageBackend openKeepingExpunged(int kept) throws Exception;

    private List<Long> deliverMany(StorageBackend backend, String account, int count) throws Exception {
        List<Long> uids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            uids.add(backend.mailStore().deliver(newMessage(backend.blobStore(), "Subject: m" + i + "\r\n\r\nx\r\n"),
                    List.of(Target.inbox(account))).get(0).uid());
        }
        return uids;
    }

    @Test
    void recentIsClaimedOnceUpToTheGivenUid() throws Exception {
        StorageBackend backend = open();
        MailStore store = backend.mailStore();
        deliverMany(backend, ALICE, 3);
        Mailbox inbox = store.mailbox(ALICE, "INBOX").orElseThrow();
        assertThat(store.recentMark(inbox.id())).isZero();
        assertThat(store.recentCount(inbox.id())).isEqualTo(3);

        assertThat(store.claimRecent(inbox.id(), 2)).as("the first claim gets 1..2").isZero();
        assertThat(store.claimRecent(inbox.id(), 2)).as("claimed already: nothing").isEqualTo(2);
        assertThat(store.claimRecent(inbox.id(), 1)).as("a lower claim never lowers the mark").isEqualTo(2);
        assertThat(store.recentCount(inbox.id())).isEqualTo(1);
        assertThat(store.claimRecent(inbox.id(), 3)).as("the next claim gets 3 only").isEqualTo(2);
        assertThat(store.recentMark(inbox.id())).isEqualTo(3);
        assertThat(store.recentCount(inbox.id())).isZero();
    }

    @Test
    void concurrentClaimsGetDisjointRanges() throws Exception {
        StorageBackend a = open();
        StorageBackend b = open();
        deliverMany(a, ALICE, 40);
        long mailbox = a.mailStore().mailbox(ALICE, "INBOX").orElseThrow().id();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<long[]>> claims = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            for (int t = 0; t < 4; t++) {
                MailStore store = (t % 2 == 0 ? a : b).mailStore();
                claims.add(pool.submit(() -> {
                    go.await();
                    long[] got = new long[40];
                    for (long upTo = 1; upTo <= 40; upTo++) {
                        long above = store.claimRecent(mailbox, upTo);
                        for (long uid = above + 1; uid <= upTo; uid++) got[(int) uid - 1]++;
                    }
                    return got;
                }));
            }
            go.countDown();
            long[] total = new long[40];
            for (Future<long[]> f : claims) {
                long[] got = f.get(30, TimeUnit.SECONDS);
                for (int i = 0; i < 40; i++) total[i] += got[i];
            }
            assertThat(total).as("every UID claimed by exactly one session").containsOnly(1L);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void expungeRecordsArePrunedBeyondTheNumberKeptAndTheFloorSaysSo() throws Exception {
        StorageBackend backend = openKeepingExpunged(3);
        opened(backend);
        MailStore store = backend.mailStore();
        List<Long> uids = deliverMany(backend, ALICE, 6);
        Mailbox inbox = store.mailbox(ALICE, "INBOX").orElseThrow();
        long before = inbox.highestModSeq();
        assertThat(store.vanishedSince(inbox.id(), before).complete(before)).isTrue();
        List<Long> modSeqs = new ArrayList<>();
        for (long uid : uids.subList(0, 5)) {
            store.expunge(inbox.id(), List.of(uid));
            modSeqs.add(store.mailbox(ALICE, "INBOX").orElseThrow().highestModSeq());
        }
        // Five expunges, three kept: the two oldest are gone, and the floor is the second one's MODSEQ.
        MailStore.Vanished all = store.vanishedSince(inbox.id(), before);
        assertThat(all.uids()).containsExactlyElementsOf(uids.subList(2, 5));
        assertThat(all.floor()).isEqualTo(modSeqs.get(1));
        assertThat(all.complete(before)).isFalse();
        assertThat(all.complete(modSeqs.get(1))).isTrue();
        assertThat(store.vanishedSince(inbox.id(), modSeqs.get(1)).uids()).containsExactlyElementsOf(uids.subList(2, 5));
        assertThat(store.expungedSince(inbox.id(), modSeqs.get(3))).containsExactly(uids.get(4));

        // MOVE records its sources as expunged too, and prunes the same way.
        Mailbox archive = store.createMailbox(ALICE, "Archive");
        store.move(inbox.id(), List.of(uids.get(5)), archive.id());
        MailStore.Vanished afterMove = store.vanishedSince(inbox.id(), 0);
        assertThat(afterMove.uids()).containsExactly(uids.get(3), uids.get(4), uids.get(5));
        assertThat(afterMove.floor()).isEqualTo(modSeqs.get(2));
    }
}
