package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.BlobStore;
import org.mailroom.delivery.testing.FakeMx;
import org.mailroom.storage.embedded.EmbeddedStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound queue survives kill -9 in the middle of deliveries (issue 5): node A runs in its own JVM with
 * messages queued for a smart host that accepts a few and then hangs after the final dot; A is killed with
 * SIGKILL, started again on the same data directory, and the smart host is healthy now. Every message must
 * arrive at least once; a message may arrive twice only if it had got its 250 before the kill (the crash
 * fell between the remote 250 and our record of it).
 */
class OutboundCrashTest {

    private static final Logger log = LoggerFactory.getLogger(OutboundCrashTest.class);
    private static final Pattern MESSAGE_ID = Pattern.compile("Message-ID: <(crash-\\d+)@a\\.test>");
    private static final int MESSAGES = 12;
    private static final int ACCEPTED_BEFORE_THE_HANG = 4;

    @TempDir
    Path data;
    @TempDir
    Path logs;

    @Test
    void everyQueuedMessageIsDeliveredAtLeastOnceAfterKillDashNine() throws Exception {
        try (EmbeddedStorage storage = EmbeddedStorage.open(data)) {
            for (int i = 0; i < MESSAGES; i++) {
                String blobId;
                try (BlobStore.BlobWriter w = storage.blobStore().create()) {
                    w.write(("Return-Path: <alice@a.test>\r\nFrom: alice@a.test\r\nTo: bob@b.test\r\n"
                            + "Message-ID: <crash-" + i + "@a.test>\r\nSubject: crash " + i + "\r\n\r\nbody " + i + "\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    blobId = w.commit();
                }
                storage.mailQueue().enqueue(blobId, "alice@a.test", List.of("bob@b.test"), Instant.now());
            }
        }
        try (FakeMx mx = new FakeMx(InetAddress.getLoopbackAddress(), 0, FakeMx.Stage.DOT, FakeMx.Fault.NONE)) {
            mx.stallAfter(ACCEPTED_BEFORE_THE_HANG);
            Process first = startNodeA(mx.port(), logs.resolve("first.log"));
            Set<String> acceptedBeforeKill;
            int hanging;
            try {
                // Five workers (the per-destination limit) sent their message and wait for a reply.
                await().atMost(Duration.ofSeconds(60)).until(() -> mx.stalledAtDot() >= 5 || !first.isAlive());
                assertThat(first.isAlive()).as("node A runs; its log:\n%s", read("first.log")).isTrue();
                first.destroyForcibly(); // SIGKILL
                assertThat(first.waitFor(20, TimeUnit.SECONDS)).isTrue();
                hanging = mx.stalledAtDot();
                acceptedBeforeKill = new HashSet<>(ids(mx.messages()));
            } finally {
                first.destroyForcibly();
            }
            mx.heal();
            Process second = startNodeA(mx.port(), logs.resolve("second.log"));
            try {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> new HashSet<>(ids(mx.messages())).size() == MESSAGES || !second.isAlive());
                assertThat(new HashSet<>(ids(mx.messages()))).as("every message arrived; A's log:\n%s",
                        read("second.log")).hasSize(MESSAGES);
            } finally {
                second.destroy(); // SIGTERM: a clean stop, so the store can be opened here
                second.waitFor(30, TimeUnit.SECONDS);
                second.destroyForcibly();
            }
            Map<String, Integer> copies = new HashMap<>();
            for (String id : ids(mx.messages())) copies.merge(id, 1, Integer::sum);
            List<String> duplicates = new ArrayList<>();
            copies.forEach((id, n) -> {
                if (n > 1) duplicates.add(id);
            });
            log.warn("outbound crash: {} messages, {} accepted before kill -9, {} left hanging after the dot, "
                    + "{} delivered twice {}", MESSAGES, acceptedBeforeKill.size(), hanging, duplicates.size(), duplicates);
            assertThat(acceptedBeforeKill).hasSize(ACCEPTED_BEFORE_THE_HANG);
            assertThat(copies.values()).allMatch(n -> n <= 2);
            assertThat(acceptedBeforeKill).as("a duplicate had its 250 before the kill").containsAll(duplicates);
        }
        try (EmbeddedStorage storage = EmbeddedStorage.open(data)) {
            assertThat(storage.mailQueue().list()).as("nothing left in the queue").isEmpty();
        }
    }

    private String read(String name) throws IOException {
        Path file = logs.resolve(name);
        return Files.exists(file) ? Files.readString(file) : "(no log)";
    }

    private static List<String> ids(List<String> messages) {
        List<String> ids = new ArrayList<>();
        for (String m : messages) {
            Matcher matcher = MESSAGE_ID.matcher(m);
            if (matcher.find()) ids.add(matcher.group(1));
        }
        return ids;
    }

    /** Node A in its own JVM, relaying everything to the fake MX; a short lease so the restart retries soon. */
    private Process startNodeA(int mxPort, Path logFile) throws IOException {
        return ServerJvm.start(data, logFile, "server.hostname=mx.a.test", "outbound.relay_host=127.0.0.1:" + mxPort,
                "outbound.lease=3s", "outbound.retry_intervals=[\"1s\"]");
    }
}
