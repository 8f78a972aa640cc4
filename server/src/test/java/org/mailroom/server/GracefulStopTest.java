package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.Mailbox;
import org.mailroom.core.store.MessageRecord;
import org.mailroom.storage.embedded.EmbeddedStorage;

/**
 * SIGTERM under load (issue 14): ten SMTP clients send without pause, the server in its own JVM gets SIGTERM,
 * and then every message that got 250 is stored exactly once and whole, the clients were told 421 4.3.2 rather
 * than cut off, a connection opened after the signal is turned away, idle IMAP and POP3 sessions are told BYE and
 * -ERR, and the JVM exits with 143 (128 + SIGTERM) well within the grace.
 */
class GracefulStopTest {

    private static final int CLIENTS = 10;
    private static final Duration GRACE = Duration.ofSeconds(10);

    @TempDir
    Path data;

    @Test
    void sigtermLosesNoAcceptedMessageAndTurnsNewSessionsAway() throws Exception {
        try (EmbeddedStorage storage = EmbeddedStorage.open(data)) {
            storage.directory().addDomain("example.test");
            storage.directory().addAccount("alice@example.test", "x".toCharArray());
        }
        int imapPort = TestPorts.freeBelowEphemeralRange();
        int pop3Port = TestPorts.freeBelowEphemeralRange();
        Process server = ServerJvm.start(data, null, "server.hostname=mx.example.test",
                "server.shutdown_grace=\"" + GRACE.toSeconds() + "s\"",
                "listen.imap=127.0.0.1:" + imapPort, "listen.pop3=127.0.0.1:" + pop3Port);
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        AtomicInteger toldShuttingDown = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        long exitMillis;
        try {
            int port = ServerJvm.awaitSmtpPort(server);
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                Thread thread = new Thread(() -> send(port, client, accepted, toldShuttingDown), "client-" + c);
                thread.start();
                clients.add(thread);
            }
            // An IMAP and a POP3 client, idle between commands when the signal comes.
            Socket imap = new Socket("127.0.0.1", imapPort);
            Socket pop3 = new Socket("127.0.0.1", pop3Port);
            BufferedReader imapIn = reader(imap);
            BufferedReader pop3In = reader(pop3);
            assertThat(imapIn.readLine()).startsWith("* OK ");
            assertThat(pop3In.readLine()).startsWith("+OK ");
            await().atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= 100);
            long signal = System.nanoTime();
            server.destroy(); // SIGTERM
            try (imap; pop3) {
                assertThat(imapIn.readLine()).isEqualTo("* BYE Server shutting down");
                assertThat(imapIn.readLine()).isNull();
                assertThat(pop3In.readLine()).isEqualTo("-ERR server shutting down");
                assertThat(pop3In.readLine()).isNull();
            }
            // A session opened after the signal: 421 4.3.2, or refused once the listener has closed.
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> turnedAway(port));
            assertThat(server.waitFor(GRACE.toSeconds() + 20, TimeUnit.SECONDS)).as("exited").isTrue();
            exitMillis = (System.nanoTime() - signal) / 1_000_000;
            assertThat(server.exitValue()).as("exit status after SIGTERM").isEqualTo(143);
            for (Thread thread : clients) thread.join(20_000);
        } finally {
            server.destroyForcibly();
        }
        assertThat(toldShuttingDown.get()).as("clients that got 421 4.3.2 instead of a cut connection").isPositive();

        Map<String, Integer> seen = new HashMap<>();
        try (EmbeddedStorage storage = EmbeddedStorage.open(data)) {
            MailStore store = storage.mailStore();
            Mailbox box = store.mailbox("alice@example.test", "INBOX").orElseThrow();
            for (MessageRecord m : store.messages(box.id())) {
                String text = read(storage, m.blobId());
                Matcher subject = Pattern.compile("Subject: (g-\\d+-\\d+)\r\n").matcher(text);
                assertThat(subject.find()).as("subject in %s", m).isTrue();
                String id = subject.group(1);
                assertThat(text).as("message %s is whole", id).endsWith("END " + id + "\r\n");
                seen.merge(id, 1, Integer::sum);
            }
        }
        for (String id : accepted) assertThat(seen.get(id)).as("accepted %s stored once", id).isEqualTo(1);
        assertThat(seen.values()).allMatch(n -> n == 1);
        System.out.printf("graceful stop: %d messages accepted, %d stored, %d clients told 421, exit after %d ms%n",
                accepted.size(), seen.size(), toldShuttingDown.get(), exitMillis);
    }

    private static BufferedReader reader(Socket s) throws IOException {
        s.setSoTimeout(30_000);
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
    }

    /** Whether a new connection is refused or greeted with 421 4.3.2; a 220 means the stop has not begun yet. */
    private static boolean turnedAway(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            String greeting = in.readLine();
            if (greeting != null && greeting.startsWith("220")) {
                s.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                return false;
            }
            assertThat(greeting).startsWith("421 4.3.2 ");
            return true;
        } catch (java.net.ConnectException refused) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** One client: one session, messages back to back, until the server says 421 (or the connection ends). */
    private static void send(int port, int client, Set<String> accepted, AtomicInteger toldShuttingDown) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            if (!reply(in, "220", toldShuttingDown)) return;
            out.write("EHLO stop.test\r\n".getBytes(StandardCharsets.US_ASCII));
            String line;
            do {
                line = in.readLine();
            } while (line != null && line.startsWith("250-"));
            for (int n = 0; ; n++) {
                String id = "g-" + client + "-" + n;
                out.write(("MAIL FROM:<c@elsewhere.test>\r\n").getBytes(StandardCharsets.US_ASCII));
                if (!reply(in, "250", toldShuttingDown)) return;
                out.write(("RCPT TO:<alice@example.test>\r\n").getBytes(StandardCharsets.US_ASCII));
                if (!reply(in, "250", toldShuttingDown)) return;
                out.write("DATA\r\n".getBytes(StandardCharsets.US_ASCII));
                if (!reply(in, "354", toldShuttingDown)) return;
                StringBuilder body = new StringBuilder("Subject: " + id + "\r\n\r\n");
                for (int i = 0; i < 100; i++) body.append("line ").append(i).append(" of ").append(id).append("\r\n");
                body.append("END ").append(id).append("\r\n.\r\n");
                out.write(body.toString().getBytes(StandardCharsets.US_ASCII));
                if (!reply(in, "250", toldShuttingDown)) return;
                accepted.add(id);
            }
        } catch (IOException e) {
            // the connection ended without a 421: counted by the assertions on what was told and stored
        }
    }

    /** True for the expected reply; false (after counting a 421 4.3.2) for anything else. */
    private static boolean reply(BufferedReader in, String code, AtomicInteger toldShuttingDown) throws IOException {
        String line = in.readLine();
        if (line != null && line.startsWith(code)) return true;
        if (line != null && line.startsWith("421 4.3.2 ")) toldShuttingDown.incrementAndGet();
        return false;
    }

    private static String read(EmbeddedStorage storage, String blobId) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = storage.blobStore().open(blobId)) {
            in.transferTo(out);
        }
        return out.toString(StandardCharsets.US_ASCII);
    }
}
