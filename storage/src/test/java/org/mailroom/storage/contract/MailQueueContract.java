package org.mailroom.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mailroom.core.mail.Dsn;
import org.mailroom.core.store.MailQueue;
import org.mailroom.core.store.MailQueue.Entry;
import org.mailroom.core.store.MailQueue.Outcome;
import org.mailroom.core.store.MailQueue.Recipient;
import org.mailroom.core.store.MailQueue.RecipientState;
import org.mailroom.core.store.MailStore;

/** The {@link MailQueue} contract. Time is passed in, so no test waits for it. */
public abstract class MailQueueContract extends StorageContract {

    private static final Instant T0 = Instant.parse("2026-11-29T12:00:00Z");
    private static final Duration LEASE = Duration.ofMinutes(5);

    @Test
    void enqueueGetAndList() throws Exception {
        StorageBackend backend = open();
        MailQueue queue = backend.mailQueue();
        String blob = writeBlob(backend.blobStore(), "to remote");
        String id = queue.enqueue(blob, "alice@example.test", List.of("x@remote.test", "y@remote.test"), T0);
        String bounce = queue.enqueue(blob, null, List.of("z@remote.test"), T0.plusSeconds(1));

        Entry entry = queue.get(id).orElseThrow();
        assertThat(entry.blobId()).isEqualTo(blob);
        assertThat(entry.sender()).isEqualTo("alice@example.test");
        assertThat(entry.created()).isEqualTo(T0);
        assertThat(entry.nextAttempt()).isEqualTo(T0);
        assertThat(entry.attempts()).isZero();
        assertThat(entry.recipients()).containsExactly(new Recipient("x@remote.test", RecipientState.PENDING, null),
                new Recipient("y@remote.test", RecipientState.PENDING, null));
        assertThat(queue.get(bounce).orElseThrow().sender()).isNull();
        assertThat(queue.list()).extracting(Entry::id).containsExactly(id, bounce);
        assertThat(queue.get("nothing")).isEmpty();
    }

    @Test
    void summaryCountsEntriesAndNamesTheOldest() throws Exception {
        StorageBackend backend = open();
        MailQueue queue = backend.mailQueue();
        assertThat(queue.summary()).isEqualTo(new MailQueue.Summary(0, null));
        String blob = writeBlob(backend.blobStore(), "to remote");
        queue.enqueue(blob, "alice@example.test", List.of("x@remote.test"), T0.plusSeconds(5));
        String oldest = queue.enqueue(blob, null, List.of("y@remote.test", "z@remote.test"), T0);
        assertThat(queue.summary()).isEqualTo(new MailQueue.Summary(2, T0));
        queue.delete(oldest);
        assertThat(queue.summary()).isEqualTo(new MailQueue.Summary(1, T0.plusSeconds(5)));
    }

    @Test
    void claimDueLeasesAndAnExpiredLeaseIsDueAgain() throws Exception {
        StorageBackend backend = open();
        MailQueue queue = backend.mailQueue();
        String blob = writeBlob(backend.blobStore(), "m");
        String first = queue.enqueue(blob, "a@example.test", List.of("x@remote.test"), T0);
        String later = queue.enqueue(blob, "a@example.test", List.of("y@remote.test"), T0.plusSeconds(60));

        assertThat(queue.claimDue(T0, 10, LEASE)).extracting(Entry::id).containsExactly(first);
        assertThat(queue.claimDue(T0.plusSeconds(60), 10, LEASE)).as("first is leased").extracting(Entry::id)
                .containsExactly(later);
        assertThat(queue.claimDue(T0.plusSeconds(120), 10, LEASE)).isEmpty();
        // The worker died: after the lease the entry is due again.
        assertThat(queue.claimDue(T0.plus(LEASE), 10, LEASE)).extracting(Entry::id).containsExactly(first);
    }

    @Test
    void anEntryClaimedAsItIsQueuedIsLeasedThenDeliveredAndGone() throws Exception {
        StorageBackend backend = open();
        MailQueue queue = backend.mailQueue();
        String blob = writeBlob(backend.blobStore(), "m");
        Entry claimed = queue.enqueueClaimed(blob, "a@example.test", List.of("x@remote.test", "y@remote.test"),
                Dsn.NONE, T0, T0.plus(LEASE));

        assertThat(claimed).as("as claimDue would load it").isEqualTo(queue.get(claimed.id()).orElseThrow());
        assertThat(queue.claimDue(T0, 10, LEASE)).as("leased").isEmpty();
        // One recipient delivered, one deferred: the entry stays, with the deferred one pending.
        queue.recordAttempt(claimed.id(), List.of(new Outcome("x@remote.test", RecipientState.DELIVERED, "250 ok"),
                new Outcome("y@remote.test", RecipientState.PENDING, "451 later")), T0.plusSeconds(60), "451 later");
        Entry retry = queue.claimDue(T0.plusSeconds(60), 10, LEASE).get(0);
        assertThat(retry.recipients()).extracting(Recipient::state)
                .containsExactly(RecipientState.DELIVERED, RecipientState.PENDING);
        queue.recordAttempt(retry.id(), List.of(new Outcome("y@remote.test", RecipientState.DELIVERED, "250 ok")),
                T0.plusSeconds(120), null);
        assertThat(queue.get(claimed.id())).isEmpty();
    }

    @Test
    void anExtendedLeaseKeepsTheEntryFromOthersAndARecordedEntryIsNotLeasedAgain() throws Exception {
        StorageBackend backend = open();
        MailQueue queue = backend.mailQueue();
        String blob = writeBlob(backend.blobStore(), "m");
        String slow = queue.enqueue(blob, "a@example.test", List.of("x@remote.test"), T0);
        String done = queue.enqueue(blob, "a@example.test", List.of("y@remote.test"), T0);
        assertThat(queue.claimDue(T0, 10, LEASE)).extracting(Entry::id).containsExactlyInAnyOrder(slow, done);
        queue.recordAttempt(done, List.of(new Outcome("y@remote.test", RecipientState.PENDING, "451 later")),
                T0.plusSeconds(60), "451 later");

        // Half-way through the lease the worker still delivers "slow": it extends both leases it once held.
        Instant half = T0.plus(LEASE.dividedBy(2));
        queue.extendLeases(List.of(slow, done, "gone"), half.plus(LEASE));

        assertThat(queue.claimDue(T0.plus(LEASE), 10, LEASE)).as("slow is still leased; done, recorded, is due")
                .extracting(Entry::id).containsExactly(done);
        assertThat(queue.claimDue(half.plus(LEASE), 10, LEASE)).extracting(Entry::id).containsExactly(slow);
    }

    @Test
    void claimDueHonoursMax() throws Exception {
        StorageBackend backend = open();
        MailQueue queue = backend.mailQueue();
        String blob = writeBlob(backend.blobStore(), "m");
        for (int i = 0; i < 5; i++) queue.enqueue(blob, null, List.of("r" + i + "@remote.test"), T0.plusMillis(i));
        assertThat(queue.claimDue(T0.plusSeconds(1), 3, LEASE)).hasSize(3);
        assertThat(queue.claimDue(T0.plusSeconds(1), 3, LEASE)).hasSize(2);
        assertThat(queue.claimDue(T0.plusSeconds(1), 3, LEASE)).isEmpty();
    }

    @Test
    void recordAttemptKeepsPendingRecipientsAndRemovesFinishedEntries() throws Exception {
        StorageBackend backend = open();
        MailQueue queue = backend.mailQueue();
        String blob = writeBlob(backend.blobStore(), "m");
        String id = queue.enqueue(blob, "a@example.test", List.of("x@remote.test", "y@remote.test"), T0);
        queue.claimDue(T0, 10, LEASE);

        Instant retry = T0.plus(Duration.ofMinutes(10));
        queue.recordAttempt(id, List.of(new Outcome("x@remote.test", RecipientState.DELIVERED, "250 ok"),
                new Outcome("y@remote.test", RecipientState.PENDING, "451 later")), retry, "451 later");
        Entry entry = queue.get(id).orElseThrow();
        assertThat(entry.attempts()).isEqualTo(1);
        assertThat(entry.nextAttempt()).isEqualTo(retry);
        assertThat(entry.lastError()).isEqualTo("451 later");
        assertThat(entry.recipients()).containsExactly(
                new Recipient("x@remote.test", RecipientState.DELIVERED, "250 ok"),
                new Recipient("y@remote.test", RecipientState.PENDING, "451 later"));
        assertThat(queue.claimDue(T0.plusSeconds(1), 10, LEASE)).as("lease ended, not yet due").isEmpty();
        assertThat(queue.claimDue(retry, 10, LEASE)).extracting(Entry::id).containsExactly(id);

        queue.recordAttempt(id, List.of(new Outcome("y@remote.test", RecipientState.FAILED, "550 no")),
                retry.plusSeconds(600), "550 no");
        assertThat(queue.get(id)).isEmpty();
        assertThat(blobExists(backend.blobStore(), blob)).as("nothing refers to the blob").isFalse();
        // An entry deleted meanwhile: the report is ignored.
        queue.recordAttempt(id, List.of(), retry, null);
    }

    @Test
    void blobIsKeptWhileAMailboxOrAnotherEntryNeedsIt() throws Exception {
        StorageBackend backend = open();
        MailQueue queue = backend.mailQueue();
        String blob = writeBlob(backend.blobStore(), "local and remote");
        backend.mailStore().deliver(new MailStore.NewMessage(blob, 16, T0),
                List.of(MailStore.Target.inbox("alice@example.test")));
        String one = queue.enqueue(blob, null, List.of("x@remote.test"), T0);
        String two = queue.enqueue(blob, null, List.of("y@remote.test"), T0);

        assertThat(queue.delete(one)).isTrue();
        assertThat(queue.delete(one)).isFalse();
        queue.recordAttempt(two, List.of(new Outcome("y@remote.test", RecipientState.DELIVERED, "250")), T0, null);
        assertThat(queue.list()).isEmpty();
        assertThat(blobExists(backend.blobStore(), blob)).as("alice's INBOX still has it").isTrue();

        long inbox = backend.mailStore().mailbox("alice@example.test", "INBOX").orElseThrow().id();
        backend.mailStore().expunge(inbox, List.of(1L));
        assertThat(blobExists(backend.blobStore(), blob)).isFalse();
    }

    @Test
    void deleteRemovesEntryAndUnusedBlob() throws Exception {
        StorageBackend backend = open();
        MailQueue queue = backend.mailQueue();
        String blob = writeBlob(backend.blobStore(), "m");
        String id = queue.enqueue(blob, null, List.of("x@remote.test"), T0);
        assertThat(queue.delete(id)).isTrue();
        assertThat(queue.get(id)).isEmpty();
        assertThat(blobExists(backend.blobStore(), blob)).isFalse();
    }

    @Test
    void flushMakesAnEntryDueNow() throws Exception {
        StorageBackend backend = open();
        MailQueue queue = backend.mailQueue();
        String id = queue.enqueue(writeBlob(backend.blobStore(), "m"), null, List.of("x@remote.test"), T0);
        queue.claimDue(T0, 1, Duration.ZERO);
        Instant retry = T0.plus(Duration.ofHours(1));
        queue.recordAttempt(id, List.of(new Outcome("x@remote.test", RecipientState.PENDING, "421")), retry, "421");
        Instant now = T0.plusSeconds(30);
        assertThat(queue.claimDue(now, 10, LEASE)).isEmpty();

        assertThat(queue.flush(id, now)).isTrue();
        assertThat(queue.flush("nothing", now)).isFalse();
        assertThat(queue.claimDue(now, 10, LEASE)).extracting(Entry::id).containsExactly(id);
    }

    @Test
    void entriesSurviveReopen() throws Exception {
        StorageBackend backend = open();
        String blob = writeBlob(backend.blobStore(), "durable");
        String id = backend.mailQueue().enqueue(blob, "a@example.test", List.of("x@remote.test"), T0);
        backend.mailQueue().claimDue(T0, 10, LEASE);
        close(backend);

        StorageBackend reopened = open();
        Entry entry = reopened.mailQueue().get(id).orElseThrow();
        assertThat(entry.recipients()).extracting(Recipient::address).containsExactly("x@remote.test");
        assertThat(readBlob(reopened.blobStore(), blob)).isEqualTo("durable");
        assertThat(reopened.mailQueue().claimDue(T0.plus(LEASE), 10, LEASE)).extracting(Entry::id)
                .containsExactly(id);
    }

    @Test
    void dsnParametersAndHistoryAreKept() throws Exception {
        StorageBackend backend = open();
        MailQueue queue = backend.mailQueue();
        Dsn dsn = new Dsn("env-1", Dsn.Ret.HDRS, Map.of(
                "x@remote.test", new Dsn.RecipientDsn(Set.of(Dsn.Notify.SUCCESS, Dsn.Notify.DELAY), "rfc822;X@remote.test"),
                "y@remote.test", new Dsn.RecipientDsn(Set.of(), null)));
        String id = queue.enqueue(writeBlob(backend.blobStore(), "m"), "a@example.test",
                List.of("X@remote.test", "y@remote.test", "z@remote.test"), dsn, T0);
        Entry entry = queue.get(id).orElseThrow();
        assertThat(entry.dsn()).isEqualTo(dsn);
        assertThat(entry.dsn().forRecipient(new org.mailroom.core.mail.MailAddress("z", "remote.test")).notifyOn()).isNull();
        assertThat(entry.warned()).isFalse();
        assertThat(entry.history()).isEmpty();

        MailQueue.Attempt first = new MailQueue.Attempt(T0, "remote.test", List.of("MX remote.test: 10 mx.remote.test."),
                "mx.remote.test[192.0.2.1]:25", "TLSv1.3", List.of("C: MAIL FROM:<a@example.test>", "S: 451 4.3.0 later"),
                "451 4.3.0 later");
        queue.recordAttempt(id, List.of(new Outcome("X@remote.test", RecipientState.PENDING, "451")), T0.plusSeconds(60),
                "451", List.of(first));
        assertThat(queue.markWarned(id)).isTrue();
        assertThat(queue.markWarned("nothing")).isFalse();
        MailQueue.Attempt second = new MailQueue.Attempt(T0.plusSeconds(60), "remote.test", List.of(), null, "none",
                List.of(), "connection refused");
        queue.recordAttempt(id, List.of(), T0.plusSeconds(120), "refused", List.of(second));

        close(backend);
        Entry reopened = open().mailQueue().get(id).orElseThrow();
        assertThat(reopened.warned()).isTrue();
        assertThat(reopened.history()).containsExactly(first, second);
        assertThat(reopened.dsn()).isEqualTo(dsn);
    }
}
