package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.Mailbox;
import org.mailroom.core.store.MessageRecord;
import org.mailroom.storage.embedded.EmbeddedStorage;

/**
 * "250 means stored": the server runs in its own JVM, clients send while it is killed with SIGKILL, and
 * after a restart every message that got 250 is there exactly once and whole; a message that did not
 * get 250 is there whole or not at all. Both kinds of blob are sent: small ones (a row written in the
 * group commit with the mailbox rows) and, every third message, large ones (a file of their own).
 */
class CrashDurabilityTest {

    private static final int BODY_LINES = 40;
    private static final int LARGE_BODY_LINES = 200;
    /** Between the two sizes (about 1 KB and 5 KB), so that both paths run without megabytes of traffic. */
    private static final int INLINE_BLOB_MAX = 2048;

    @TempDir
    Path data;

    @Test
    void everyAcceptedMessageSurvivesKillDashNine() throws Exception {
        try (EmbeddedStorage storage = EmbeddedStorage.open(data)) {
            Directory d = storage.directory();
            d.addDomain("example.test");
            d.addAccount("alice@example.test", "x".toCharArray());
            d.addAccount("bob@example.test", "x".toCharArray());
        }
        Process server = ServerJvm.start(data, null, "server.hostname=mx.example.test",
                "store.inline_blob_max=" + INLINE_BLOB_MAX);
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        try {
            int port = ServerJvm.awaitSmtpPort(server);
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch enough = new CountDownLatch(60);
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int client = t;
                Thread thread = new Thread(() -> sendUntilStopped(port, client, accepted, enough, stop));
                thread.start();
                clients.add(thread);
            }
            assertThat(enough.await(60, TimeUnit.SECONDS)).as("60 messages accepted before the kill").isTrue();
            server.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
            server.waitFor(20, TimeUnit.SECONDS);
            stop.set(true);
            for (Thread thread : clients) thread.join(20_000);
        } finally {
            server.destroyForcibly();
        }

        assertThat(accepted).as("accepted messages of both kinds")
                .anyMatch(CrashDurabilityTest::isLarge).anyMatch(id -> !isLarge(id));
        Map<String, Integer> seen = new HashMap<>();
        Set<String> blobIds = new java.util.HashSet<>();
        try (EmbeddedStorage storage = EmbeddedStorage.open(data, INLINE_BLOB_MAX)) {
            for (String account : List.of("alice@example.test", "bob@example.test")) {
                MailStore store = storage.mailStore();
                Mailbox box = store.mailbox(account, "INBOX").orElseThrow();
                for (MessageRecord m : store.messages(box.id())) {
                    String text = read(storage, m.blobId());
                    blobIds.add(m.blobId());
                    Matcher subject = Pattern.compile("Subject: (m-\\d+-\\d+)\r\n").matcher(text);
                    assertThat(subject.find()).as("subject in %s", m).isTrue();
                    String id = subject.group(1);
                    assertThat(text).as("message %s is whole", id).endsWith("END " + id + "\r\n");
                    seen.merge(account + "/" + id, 1, Integer::sum);
                }
            }
        }
        for (String id : accepted) {
            assertThat(seen.get("alice@example.test/" + id)).as("alice has accepted %s once", id).isEqualTo(1);
            assertThat(seen.get("bob@example.test/" + id)).as("bob has accepted %s once", id).isEqualTo(1);
        }
        assertThat(seen.values()).allMatch(n -> n == 1);
        long files = blobIds.stream().filter(id -> java.nio.file.Files.exists(
                data.resolve("blobs").resolve(id.substring(0, 2)).resolve(id.substring(2, 4)).resolve(id))).count();
        assertThat(files).as("large messages are files, small ones rows").isPositive().isLessThan(blobIds.size());
        System.out.printf("crash test: %d messages accepted before SIGKILL, %d copies found after restart%n",
                accepted.size(), seen.size());
    }




    private static void sendUntilStopped(int port, int client, Set<String> accepted, CountDownLatch enough,
                                         AtomicBoolean stop) {
        int n = 0;
        while (!stop.get()) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                expect(in, "220");
                out.write("EHLO crash.test\r\n".getBytes(StandardCharsets.US_ASCII));
                String line;
                do {
                    line = in.readLine();
                } while (line != null && line.startsWith("250-"));
                while (!stop.get()) {
                    String id = "m-" + client + "-" + (n++);
                    StringBuilder msg = new StringBuilder("MAIL FROM:<c@elsewhere.test>\r\nRCPT TO:<alice@example.test>\r\n"
                            + "RCPT TO:<bob@example.test>\r\nDATA\r\n");
                    out.write(msg.toString().getBytes(StandardCharsets.US_ASCII));
                    expect(in, "250");
                    expect(in, "250");
                    expect(in, "250");
                    expect(in, "354");
                    StringBuilder body = new StringBuilder("Subject: " + id + "\r\n\r\n");
                    int lines = isLarge(id) ? LARGE_BODY_LINES : BODY_LINES;
                    for (int i = 0; i < lines; i++) body.append("line ").append(i).append(" of ").append(id).append("\r\n");
                    body.append("END ").append(id).append("\r\n.\r\n");
                    out.write(body.toString().getBytes(StandardCharsets.US_ASCII));
                    expect(in, "250");
                    accepted.add(id);
                    enough.countDown();
                }
            } catch (IOException | AssertionError e) {
                // the server was killed; try again until told to stop (it will not come back)
                if (!stop.get()) Thread.onSpinWait();
            }
        }
    }

    /** Every third message of each client is large: a blob file rather than a database row. */
    private static boolean isLarge(String id) {
        return Integer.parseInt(id.substring(id.lastIndexOf('-') + 1)) % 3 == 0;
    }

    private static void expect(BufferedReader in, String code) throws IOException {
        String line = in.readLine();
        if (line == null || !line.startsWith(code)) throw new IOException("expected " + code + ", got " + line);
    }

    private static String read(EmbeddedStorage storage, String blobId) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = storage.blobStore().open(blobId)) {
            in.transferTo(out);
        }
        return out.toString(StandardCharsets.US_ASCII);
    }
}
