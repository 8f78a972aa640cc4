package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.Mailbox;
import org.mailroom.core.store.MessageRecord;
import org.mailroom.server.admin.StoreOptions;
import org.mailroom.storage.postgres.TestPostgres;

/**
 * Two Mailroom servers ("nodes") on one PostgreSQL database, each with its own data directory (TLS files only),
 * talked to over real sockets: what one node accepts, the other serves at once; UIDs stay strictly increasing
 * under concurrent delivery through both; the POP3 lock holds across nodes; and a node that loses the database
 * answers 4xx, never 250, then recovers by itself.
 */
class PostgresTwoNodesTest {

    private static final String ALICE = "alice@example.test";

    @RegisterExtension
    static final TestPostgres postgres = new TestPostgres();

    @TempDir
    Path dirA;

    @TempDir
    Path dirB;

    private TestServer a;
    private TestServer b;

    static Map<String, String> postgresqlStore(String url) {
        return Map.of("store.backend", "\"postgresql\"", "store.url", StoreOptions.tomlString(url));
    }

    @BeforeEach
    void startTwoNodes() throws Exception {
        a = TestServer.start(dirA, postgresqlStore(postgres.url()));
        b = TestServer.start(dirB, postgresqlStore(postgres.url()));
    }

    @AfterEach
    void stopNodes() {
        if (a != null) a.close();
        if (b != null) b.close();
    }

    @Test
    void mailAcceptedByAIsServedByBAtOnceAndWakesIdleOnB() throws Exception {
        try (PostgresLineClient imap = new PostgresLineClient(b.imap())) {
            imap.line(); // greeting
            imap.send("a LOGIN " + ALICE + " " + TestServer.PASSWORD);
            readUntil(imap, "a OK");
            imap.send("b SELECT INBOX");
            readUntil(imap, "b OK");
            imap.send("c IDLE");
            readUntil(imap, "+");

            try (PostgresLineClient smtp = PostgresLineClient.smtp(a.smtp())) {
                assertThat(smtp.sendMail("bob@example.test", ALICE, "across", "from node A")).startsWith("250");
            }
            // Node B's IDLE session hears node A's delivery (LISTEN/NOTIFY), without polling.
            assertThat(readUntil(imap, "EXISTS")).isEqualTo("* 1 EXISTS");
            imap.send("DONE");
            readUntil(imap, "c OK");
        }
        try (PostgresLineClient pop3 = new PostgresLineClient(b.pop3())) {
            pop3.line();
            pop3.send("USER " + ALICE);
            pop3.line();
            pop3.send("PASS " + TestServer.PASSWORD);
            assertThat(pop3.line()).startsWith("+OK");
            pop3.send("STAT");
            assertThat(pop3.line()).startsWith("+OK 1 ");
            pop3.send("QUIT");
            pop3.line();
        }
    }

    @Test
    void aThousandMessagesThroughBothNodesGetStrictlyIncreasingUidsNoneLostNoneTwice() throws Exception {
        int sessions = 8;
        int perSession = 125;
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> futures = new ArrayList<>();
        long began;
        try {
            for (int s = 0; s < sessions; s++) {
                InetSocketAddress node = (s % 2 == 0 ? a : b).smtp();
                int session = s;
                futures.add(pool.submit(() -> {
                    start.await();
                    int accepted = 0;
                    try (PostgresLineClient smtp = PostgresLineClient.smtp(node)) {
                        for (int i = 0; i < perSession; i++) {
                            String reply = smtp.sendMail("bob@example.test", ALICE, "m-" + session + "-" + i, "x");
                            assertThat(reply).startsWith("250");
                            accepted++;
                        }
                        smtp.command("QUIT");
                    }
                    return accepted;
                }));
            }
            began = System.nanoTime();
            start.countDown();
            int accepted = 0;
            for (Future<Integer> f : futures) accepted += f.get(180, TimeUnit.SECONDS);
            assertThat(accepted).isEqualTo(sessions * perSession);
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        System.out.printf("two nodes, one PostgreSQL: %d messages over %d SMTP sessions in %.1f s (%.0f/s)%n",
                sessions * perSession, sessions, seconds, sessions * perSession / seconds);

        MailStore store = b.server.storage().mailStore();
        Mailbox inbox = store.mailbox(ALICE, "INBOX").orElseThrow();
        List<MessageRecord> records = store.messages(inbox.id());
        int total = sessions * perSession;
        assertThat(records).extracting(MessageRecord::uid).as("1..1000 in order: strictly increasing, no gaps")
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, total).boxed().toList());
        assertThat(inbox.uidNext()).isEqualTo(total + 1);
        Set<String> subjects = new HashSet<>();
        Pattern subject = Pattern.compile("Subject: (m-\\d+-\\d+)");
        for (MessageRecord r : records) {
            try (InputStream in = a.server.storage().blobStore().open(r.blobId())) {
                Matcher m = subject.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                assertThat(m.find()).isTrue();
                assertThat(subjects.add(m.group(1))).as("stored once: " + m.group(1)).isTrue();
            }
        }
        assertThat(subjects).hasSize(total);
    }

    @Test
    void pop3MaildropLockHoldsAcrossNodes() throws Exception {
        try (PostgresLineClient onA = pop3Login(a.pop3())) {
            assertThat(onA.line()).startsWith("+OK");
            try (PostgresLineClient onB = pop3Login(b.pop3())) {
                assertThat(onB.line()).startsWith("-ERR [IN-USE]");
            }
            onA.send("QUIT");
            assertThat(onA.line()).startsWith("+OK");
        }
        try (PostgresLineClient onB = pop3Login(b.pop3())) {
            assertThat(onB.line()).as("released by A's QUIT").startsWith("+OK");
            onB.send("QUIT");
            onB.line();
        }
    }

    @Test
    void withoutTheDatabaseSmtpAnswers4xxNever250AndRecoversByItself(@TempDir Path dirC) throws Exception {
        URI server = URI.create(postgres.url().substring("jdbc:".length()));
        try (PostgresTcpProxy proxy = new PostgresTcpProxy(new InetSocketAddress(server.getHost(), server.getPort()))) {
            String viaProxy = postgres.url().replace(server.getHost() + ":" + server.getPort(),
                    "127.0.0.1:" + proxy.port());
            try (TestServer c = TestServer.start(dirC, postgresqlStore(viaProxy))) {
                try (PostgresLineClient smtp = PostgresLineClient.smtp(c.smtp())) {
                    assertThat(smtp.sendMail("bob@example.test", ALICE, "before", "x")).startsWith("250");
                }

                proxy.cut();
                for (int i = 0; i < 3; i++) {
                    try (PostgresLineClient smtp = PostgresLineClient.smtp(c.smtp())) {
                        String reply = smtp.sendMail("bob@example.test", ALICE, "during-" + i, "x");
                        assertThat(reply).as("database away").startsWith("4");
                    }
                }

                proxy.restore();
                await().atMost(60, TimeUnit.SECONDS).pollInterval(java.time.Duration.ofMillis(500)).until(() -> {
                    try (PostgresLineClient smtp = PostgresLineClient.smtp(c.smtp())) {
                        return smtp.sendMail("bob@example.test", ALICE, "after", "x").startsWith("250");
                    }
                });
            }
        }
        // Exactly the accepted messages are stored: "before" and one "after", nothing from the outage.
        MailStore store = a.server.storage().mailStore();
        List<String> subjects = new ArrayList<>();
        for (MessageRecord r : store.messages(store.mailbox(ALICE, "INBOX").orElseThrow().id())) {
            try (InputStream in = a.server.storage().blobStore().open(r.blobId())) {
                Matcher m = Pattern.compile("Subject: (\\S+)").matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                assertThat(m.find()).isTrue();
                subjects.add(m.group(1));
            }
        }
        assertThat(subjects).containsExactly("before", "after");
    }

    private static PostgresLineClient pop3Login(InetSocketAddress address) throws Exception {
        PostgresLineClient pop3 = new PostgresLineClient(address);
        pop3.line();
        pop3.send("USER " + ALICE);
        pop3.line();
        pop3.send("PASS " + TestServer.PASSWORD);
        return pop3;
    }

    /** Reads lines until one starts with {@code prefix} or contains it after "* "; returns that line. */
    private static String readUntil(PostgresLineClient client, String prefix) throws Exception {
        while (true) {
            String line = client.line();
            if (line.startsWith(prefix) || line.endsWith(prefix)) return line;
        }
    }
}
