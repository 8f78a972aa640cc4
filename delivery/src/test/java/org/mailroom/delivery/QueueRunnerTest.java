package org.mailroom.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mailroom.core.mail.Dsn;
import org.mailroom.core.store.MailQueue;
import org.mailroom.delivery.testing.FakeMx;

/**
 * The runner goes to the queue when there may be something to claim, not after every delivery: a queue of
 * 30 messages drains over 4 workers, each finished delivery taking the next message, with at most one claim
 * that finds nothing (the last). The poll is an hour away, so wake-ups alone must carry the whole queue.
 */
class QueueRunnerTest {

    static EventLoopGroup group;

    @BeforeAll
    static void loops() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopLoops() {
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aBacklogDrainsWithoutEmptyClaimsAfterEachDelivery() throws Exception {
        int messages = 30;
        try (FakeMx mx = new FakeMx(InetAddress.getLoopbackAddress(), 0, FakeMx.Stage.DOT, FakeMx.Fault.NONE)) {
            ConnectionReuseTest.Blobs blobs = new ConnectionReuseTest.Blobs();
            CountingQueue queue = new CountingQueue();
            Instant now = Instant.now();
            for (int i = 0; i < messages; i++) {
                blobs.put("b" + i, "Subject: " + i + "\r\n\r\nbody\r\n");
                queue.enqueue("b" + i, "alice@a.test", List.of("bob@d.test"), Dsn.NONE, now);
            }
            RemoteDelivery remote = ConnectionReuseTest.remote(mx.port(), blobs, group);
            QueueRunner.Settings settings = new QueueRunner.Settings(List.of(Duration.ofMinutes(5)),
                    Duration.ofDays(5), Duration.ZERO, 4, 4, Duration.ofHours(1), Duration.ofMinutes(30));
            try (QueueRunner runner = new QueueRunner(queue, remote,
                    new Bounces(null, blobs, "mx.a.test", Clock.systemUTC()), settings, Clock.systemUTC())) {
                runner.start();
                await().atMost(Duration.ofSeconds(20)).until(() -> queue.size() == 0);
            }
            assertThat(mx.messages()).hasSize(messages);
            System.out.printf("QueueRunnerTest: %d messages, %d claims, %d of them empty%n", messages,
                    queue.claims, queue.emptyClaims);
            assertThat(queue.emptyClaims).isLessThanOrEqualTo(1);
            assertThat(queue.claims).isLessThanOrEqualTo(messages + 1);
        }
    }

    /** The queue in memory, counting claims. Leases are kept as a set: the test's clock does not move. */
    static final class CountingQueue implements MailQueue {
        private final Map<String, Entry> entries = new LinkedHashMap<>();
        private final Map<String, Instant> leases = new HashMap<>();
        int claims;
        int emptyClaims;

        synchronized int size() {
            return entries.size();
        }

        @Override
        public synchronized String enqueue(String blobId, String sender, List<String> recipients, Dsn dsn,
                                           Instant now) {
            String id = "q" + entries.size() + "-" + blobId;
            List<Recipient> rcpts = new ArrayList<>();
            for (String r : recipients) rcpts.add(new Recipient(r, RecipientState.PENDING, null));
            entries.put(id, new Entry(id, blobId, sender, rcpts, now, now, 0, null));
            return id;
        }

        @Override
        public synchronized Entry enqueueClaimed(String blobId, String sender, List<String> recipients, Dsn dsn,
                                                 Instant now, Instant leaseUntil) {
            String id = enqueue(blobId, sender, recipients, dsn, now);
            leases.put(id, leaseUntil);
            return entries.get(id);
        }

        @Override
        public synchronized List<Entry> claimDue(Instant now, int max, Duration lease) {
            claims++;
            List<Entry> due = new ArrayList<>();
            for (Entry e : entries.values()) {
                if (due.size() == max) break;
                if (!e.nextAttempt().isAfter(now) && !leases.containsKey(e.id())) due.add(e);
            }
            for (Entry e : due) leases.put(e.id(), now.plus(lease));
            if (due.isEmpty()) emptyClaims++;
            return due;
        }

        @Override
        public synchronized void extendLeases(List<String> ids, Instant until) {
            for (String id : ids) leases.computeIfPresent(id, (k, old) -> until);
        }

        @Override
        public synchronized void recordAttempt(String id, List<Outcome> outcomes, Instant nextAttempt, String error,
                                               List<Attempt> attempts) {
            leases.remove(id);
            boolean pending = outcomes.stream().anyMatch(o -> o.state() == RecipientState.PENDING);
            if (!pending) entries.remove(id);
        }

        @Override
        public synchronized boolean markWarned(String id) {
            return entries.containsKey(id);
        }

        @Override
        public synchronized boolean flush(String id, Instant now) {
            return entries.containsKey(id);
        }

        @Override
        public synchronized Optional<Entry> get(String id) {
            return Optional.ofNullable(entries.get(id));
        }

        @Override
        public synchronized List<Entry> list() {
            return List.copyOf(entries.values());
        }

        @Override
        public synchronized boolean delete(String id) throws IOException {
            leases.remove(id);
            return entries.remove(id) != null;
        }
    }
}
