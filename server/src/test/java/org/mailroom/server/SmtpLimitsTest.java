package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every SMTP limit, configured small, against a real server. */
class SmtpLimitsTest {

    @TempDir
    Path data;
    TestServer server;
    final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) s.close();
        if (server != null) server.close();
    }

    private void start(Map<String, String> limits) throws IOException {
        server = TestServer.start(data, limits);
    }

    /** A client connection; {@code from} picks the loopback source address. */
    private Client connect(String from) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        s.connect(server.smtp(), 5_000);
        s.setSoTimeout(10_000);
        return new Client(s);
    }

    static final class Client {
        final Socket socket;
        final OutputStream out;
        final BufferedReader in;

        Client(Socket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        }

        void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** The next reply, joined over its lines. */
        String reply() throws IOException {
            StringBuilder all = new StringBuilder();
            String line;
            do {
                line = in.readLine();
                if (line == null) return all.length() == 0 ? null : all.toString();
                all.append(line).append('\n');
            } while (line.length() > 3 && line.charAt(3) == '-');
            return all.toString().trim();
        }

        String command(String text) throws IOException {
            send(text + "\r\n");
            return reply();
        }
    }

    @Test
    void recipientsOverTheLimitGet452AndTheEarlierOnesKeepTheMessage() throws Exception {
        start(Map.of("limits.recipients", "100"));
        Client c = connect("127.0.0.1");
        assertThat(c.reply()).startsWith("220");
        c.command("EHLO limits.test");
        assertThat(c.command("MAIL FROM:<a@elsewhere.test>")).startsWith("250");
        for (int i = 0; i < 100; i++) assertThat(c.command("RCPT TO:<alice+" + i + "@example.test>")).startsWith("250");
        assertThat(c.command("RCPT TO:<bob@example.test>")).isEqualTo("452 4.5.3 Error: too many recipients");
        assertThat(c.command("DATA")).startsWith("354");
        assertThat(c.command("Subject: many\r\n\r\nhi\r\n.")).startsWith("250 2.0.0 Ok");
        var store = server.server.storage().mailStore();
        assertThat(store.messages(store.mailbox("alice@example.test", "INBOX").orElseThrow().id())).hasSize(1);
        assertThat(store.mailbox("bob@example.test", "INBOX")).isEmpty();
    }

    @Test
    void connectionsOverTheLimitsAreRefusedWith421() throws Exception {
        start(Map.of("limits.connections", "3", "limits.connections_per_ip", "2"));
        Client a = connect("127.0.0.1");
        Client b = connect("127.0.0.1");
        assertThat(a.reply()).startsWith("220");
        assertThat(b.reply()).startsWith("220");
        Client perIp = connect("127.0.0.1");
        assertThat(perIp.reply()).startsWith("421 4.7.0");
        assertThat(perIp.in.readLine()).isNull();
        Client other = connect("127.0.0.2");
        assertThat(other.reply()).startsWith("220");
        Client total = connect("127.0.0.3");
        assertThat(total.reply()).startsWith("421 4.7.0");
        // Closing one makes room again.
        a.command("QUIT");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
            Client again = connect("127.0.0.4");
            String reply = again.reply();
            again.socket.close();
            return reply != null && reply.startsWith("220");
        });
    }

    @Test
    void idleClientIsDisconnectedAfterTheCommandTimeout() throws Exception {
        start(Map.of("limits.command_timeout", "\"1s\""));
        Client c = connect("127.0.0.1");
        assertThat(c.reply()).startsWith("220");
        assertThat(c.command("EHLO idle.test")).startsWith("250");
        assertThat(c.reply()).startsWith("421 4.4.2").contains("timeout");
        assertThat(c.in.readLine()).isNull();
    }

    @Test
    void sessionEndsAfterTheSessionTimeoutHoweverBusy() throws Exception {
        start(Map.of("limits.session_timeout", "\"2s\""));
        Client c = connect("127.0.0.1");
        assertThat(c.reply()).startsWith("220");
        String reply;
        do {
            reply = c.command("NOOP");
        } while (reply != null && reply.startsWith("250"));
        assertThat(reply).startsWith("421 4.4.2").contains("session time limit");
    }

    @Test
    void errorsAreSlowedDownThenEndTheSession() throws Exception {
        start(Map.of("limits.errors", "4", "limits.error_delay", "\"300ms\""));
        Client c = connect("127.0.0.1");
        assertThat(c.reply()).startsWith("220");
        assertThat(c.command("BOGUS 1")).startsWith("500");
        assertThat(c.command("BOGUS 2")).startsWith("500");
        long slow = System.nanoTime();
        assertThat(c.command("BOGUS 3")).startsWith("500");
        assertThat(c.command("BOGUS 4")).startsWith("500");
        long end = System.nanoTime();
        // Only a lower bound: a loaded machine makes this slower, never faster.
        assertThat((end - slow) / 1_000_000).as("two delayed error replies").isGreaterThanOrEqualTo(600);
        assertThat(c.command("BOGUS 5")).startsWith("421 4.7.0").contains("too many errors");
        assertThat(c.in.readLine()).isNull();
    }

    @Test
    void clientThatTalksBeforeTheGreetingIsRefused() throws Exception {
        start(Map.of("limits.greeting_delay", "\"500ms\""));
        Client c = connect("127.0.0.1");
        c.send("EHLO eager.test\r\n");
        assertThat(c.reply()).startsWith("554 5.5.0").contains("before the greeting");
        assertThat(c.in.readLine()).isNull();
        Client polite = connect("127.0.0.1");
        assertThat(polite.reply()).startsWith("220");
        assertThat(polite.command("EHLO polite.test")).startsWith("250");
    }

    @Test
    void messageSizeLimitIsEnforcedAtMailAndWhileStreaming() throws Exception {
        start(Map.of("limits.message_size", "2000"));
        Client c = connect("127.0.0.1");
        c.reply();
        assertThat(c.command("EHLO size.test")).contains("SIZE 2000");
        assertThat(c.command("MAIL FROM:<a@elsewhere.test> SIZE=2001")).startsWith("552 5.3.4");
        assertThat(c.command("MAIL FROM:<a@elsewhere.test> SIZE=100")).startsWith("250");
        assertThat(c.command("RCPT TO:<alice@example.test>")).startsWith("250");
        assertThat(c.command("DATA")).startsWith("354");
        assertThat(c.command("Subject: big\r\n\r\n" + "0123456789012345678901234567890123456789\r\n".repeat(100) + "."))
                .startsWith("552 5.3.4");
        assertThat(server.server.storage().mailStore().mailbox("alice@example.test", "INBOX")).isEmpty();
        assertThat(c.command("NOOP")).startsWith("250");
    }
}
