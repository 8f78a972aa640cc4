package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.Directory;
import org.mailroom.delivery.testing.MutableClock;
import org.mailroom.server.config.Config;

/**
 * The login rate limit as clients see it, with {@code limits.auth_attempts_per_minute} at 6 and a server clock
 * the test moves: a client that logs in 300 times a minute from 127.0.0.1 (Angus Mail, POP3 and IMAP
 * in turn) is never refused, while a password guesser from 127.0.0.2 (Linux routes all of 127/8 to loopback) is
 * slowed, cut per connection, then refused by every protocol until its block ends. Neither address is trusted
 * here ({@code limits.trusted_networks} names only 127.0.0.3), so the good client passes on its own merit.
 */
class LoginRateEndToEndTest {

    static final String ALICE = "alice@example.test";
    static final String PASSWORD = "secret";
    static final long DELAY_MS = 100;
    static final int LIMIT = 6;
    static final InetAddress GOOD = address("127.0.0.1");
    static final InetAddress GUESSER = address("127.0.0.2");
    static final InetAddress TRUSTED = address("127.0.0.3");

    @TempDir
    Path data;
    MutableClock clock = new MutableClock(Instant.parse("2026-03-02T09:00:00Z"));
    Server server;

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeEach
    void start() throws IOException {
        Map<String, String> o = new HashMap<>();
        o.put("server.hostname", "\"mx.example.test\"");
        o.put("server.data_dir", org.mailroom.server.admin.StoreOptions.tomlString(data.toString()));
        for (String key : new String[] {"smtp", "submission", "submissions", "pop3", "pop3s", "imap", "imaps", "managesieve", "admin"}) {
            o.put("listen." + key, "\"127.0.0.1:0\"");
        }
        o.put("smtp.submission_plaintext_auth", "true");
        o.put("limits.auth_delay", "\"" + DELAY_MS + "ms\"");
        // 6 failures a minute instead of 30: the same rules, reached in fewer (slowed) guesses.
        o.put("limits.auth_attempts_per_minute", String.valueOf(LIMIT));
        o.put("limits.trusted_networks", "[\"127.0.0.3/32\"]");
        server = Server.start(Config.load(Optional.empty(), o), clock);
        Directory d = server.storage().directory();
        d.addDomain("example.test");
        d.addAccount(ALICE, PASSWORD.toCharArray());
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private int port(String service) {
        return server.addresses().get(service).getPort();
    }

    @Test
    void goodLoginsAreNeverLimitedWhileAGuesserIsSlowedCutAndBlocked() throws Exception {
        Properties props = new Properties();
        props.put("mail.pop3.host", "127.0.0.1");
        props.put("mail.pop3.port", String.valueOf(port("pop3")));
        props.put("mail.imap.host", "127.0.0.1");
        props.put("mail.imap.port", String.valueOf(port("imap")));
        for (String p : new String[] {"pop3", "imap"}) {
            props.put("mail." + p + ".localaddress", GOOD.getHostAddress());
            props.put("mail." + p + ".timeout", "10000");
            props.put("mail." + p + ".connectiontimeout", "10000");
        }
        Session mail = Session.getInstance(props);

        int guesses = 0;
        Instant blockedAt = null;
        for (int i = 0; i < 300; i++) {
            clock.advance(Duration.ofMillis(200)); // 300 logins in one minute of the server's clock
            Store store = mail.getStore(i % 2 == 0 ? "pop3" : "imap");
            store.connect(ALICE, PASSWORD); // throws if refused
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            inbox.close(false);
            store.close();

            // Meanwhile, every few logins, one guesser connection from 127.0.0.2: wrong passwords and unknown
            // users alike, three per connection.
            if (i % 4 != 0 || blockedAt != null) continue;
            try (Line imap = new Line(GUESSER, port("imap"))) {
                assertThat(imap.read()).startsWith("* OK");
                int n = 0;
                for (; n < 3 && blockedAt == null; n++) {
                    String user = n == 1 ? "nobody" + i + "@example.test" : ALICE;
                    String reply = imap.command("t" + n + " LOGIN " + user + " guess" + i);
                    if (reply.startsWith("t" + n + " NO [UNAVAILABLE]")) {
                        fail("refused before its " + (guesses + 1) + "th failure: " + reply);
                    }
                    assertThat(reply).isEqualTo("t" + n + " NO [AUTHENTICATIONFAILED] Authentication failed");
                    assertThat(imap.lastMillis).isGreaterThanOrEqualTo(DELAY_MS); // slowed
                    if (++guesses == LIMIT) blockedAt = clock.instant();
                }
                if (n == 3) {
                    assertThat(imap.read()).isEqualTo("* BYE Too many failed logins"); // cut after three
                    assertThat(imap.read()).isNull();
                } else {
                    // The LIMIT-th failure blocked 127.0.0.2: even this open connection is refused now.
                    assertThat(imap.command("u LOGIN " + ALICE + " " + PASSWORD)).startsWith("u NO [UNAVAILABLE]");
                }
            }
        }
        assertThat(blockedAt).as("the guesser was blocked while the good client logged in").isNotNull();

        // Blocked in every protocol, even with the right password.
        assertRefusedEverywhere(GUESSER);
        // The good address is still welcome; so is a trusted one after many failures.
        assertThat(popLogin(GOOD, PASSWORD)).startsWith("+OK");
        for (int i = 0; i <= LIMIT; i++) assertThat(popLogin(TRUSTED, "wrong")).startsWith("-ERR [AUTH]");
        assertThat(popLogin(TRUSTED, PASSWORD)).startsWith("+OK");

        // A block of one minute, then let in again.
        clock.set(blockedAt.plusSeconds(59));
        assertThat(popLogin(GUESSER, PASSWORD)).startsWith("-ERR [SYS/TEMP]");
        clock.set(blockedAt.plusSeconds(60));
        assertThat(popLogin(GUESSER, PASSWORD)).startsWith("+OK");
        // It goes on guessing: LIMIT failures in a minute block it again, now for two minutes.
        for (int i = 0; i < LIMIT; i++) assertThat(popLogin(GUESSER, "again" + i)).startsWith("-ERR [AUTH]");
        Instant again = clock.instant();
        assertRefusedEverywhere(GUESSER);
        clock.set(again.plusSeconds(119));
        assertThat(popLogin(GUESSER, PASSWORD)).startsWith("-ERR [SYS/TEMP]");
        clock.set(again.plusSeconds(120));
        assertThat(popLogin(GUESSER, PASSWORD)).startsWith("+OK");
    }

    /** IMAP NO [UNAVAILABLE], POP3 -ERR [SYS/TEMP] and SMTP AUTH 454 4.7.0 from {@code from}, right password or not. */
    private void assertRefusedEverywhere(InetAddress from) throws IOException {
        try (Line imap = new Line(from, port("imap"))) {
            imap.read();
            assertThat(imap.command("a LOGIN " + ALICE + " " + PASSWORD)).startsWith("a NO [UNAVAILABLE]");
        }
        assertThat(popLogin(from, PASSWORD)).isEqualTo("-ERR [SYS/TEMP] too many login attempts, try again later");
        try (Line smtp = new Line(from, port("submission"))) {
            assertThat(smtp.read()).startsWith("220 ");
            smtp.send("EHLO guesser.test");
            String line;
            do {
                line = smtp.read();
            } while (line.startsWith("250-"));
            String plain = Base64.getEncoder().encodeToString(("\0" + ALICE + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
            assertThat(smtp.command("AUTH PLAIN " + plain)).startsWith("454 4.7.0");
        }
    }

    /** USER/PASS from {@code from}; the reply to PASS. */
    private String popLogin(InetAddress from, String password) throws IOException {
        try (Line pop = new Line(from, port("pop3"))) {
            assertThat(pop.read()).startsWith("+OK");
            assertThat(pop.command("USER " + ALICE)).startsWith("+OK");
            String reply = pop.command("PASS " + password);
            if (reply.startsWith("+OK")) pop.command("QUIT");
            return reply;
        }
    }

    /** A line-based connection from a chosen local address, timing each reply. */
    static final class Line implements Closeable {
        final Socket socket = new Socket();
        final BufferedReader in;
        final OutputStream out;
        long lastMillis;

        Line(InetAddress from, int port) throws IOException {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        void send(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        String read() throws IOException {
            return in.readLine();
        }

        /** Sends a command and returns its reply line (for IMAP, the tagged one). */
        String command(String line) throws IOException {
            long start = System.nanoTime();
            send(line);
            String tag = line.split(" ", 2)[0] + " ";
            boolean imap = Character.isLowerCase(tag.charAt(0));
            String reply;
            do {
                reply = read();
            } while (reply != null && imap && !reply.startsWith(tag));
            lastMillis = (System.nanoTime() - start) / 1_000_000;
            return reply;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
