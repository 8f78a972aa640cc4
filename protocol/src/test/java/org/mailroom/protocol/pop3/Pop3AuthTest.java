package org.mailroom.protocol.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mailroom.core.auth.Authenticator;
import org.mailroom.core.auth.LoginGuard;
import org.mailroom.core.auth.SaslMechanisms;
import org.mailroom.protocol.SessionThreads;

/**
 * POP3 AUTH through the shared SASL over real sockets: each mechanism, SCRAM-SHA-256 with an independent python3
 * client (src/test/resources/sasl/scram_pop3.py, written from RFC 5802), and the login guard's delay, which must
 * not hold the session thread, and rate limit.
 */
class Pop3AuthTest {

    static final String ALICE = "alice@example.test";

    private final InMemoryBlobStore blobs = new InMemoryBlobStore();
    private final InMemoryMailStore store = new InMemoryMailStore(blobs);
    private final InMemoryDirectory directory = new InMemoryDirectory();
    private final SaslMechanisms sasl = new SaslMechanisms(new Authenticator(directory, Clock.systemUTC()));
    private final List<AutoCloseable> closeAtEnd = new ArrayList<>();

    @BeforeAll
    static void quiet() {
        QuietLogs.apply();
    }

    @BeforeEach
    void setUp() throws IOException {
        directory.addAccount(ALICE, "secret".toCharArray());
        directory.addAccount("bob@example.test", "hunter2".toCharArray());
        store.deliverText(ALICE, "Subject: hi\r\n\r\nHello.\r\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeAtEnd) c.close();
    }

    private static LoginGuard guard(Duration delay, int attemptsPerMinute) {
        return new LoginGuard(new LoginGuard.Settings(delay, delay.multipliedBy(8), 3, attemptsPerMinute,
                Duration.ofMinutes(1), Duration.ofMinutes(15), 1000), Clock.systemUTC());
    }

    private InetSocketAddress start(LoginGuard guard) throws IOException {
        Pop3Server server = new Pop3Server(Pop3Settings.defaults("pop.example.test"), store, blobs, sasl, guard);
        closeAtEnd.add(server);
        return server.start(new InetSocketAddress("127.0.0.1", 0));
    }

    private static Pop3TestClient connect(InetSocketAddress address) throws IOException {
        Pop3TestClient client = new Pop3TestClient(address);
        assertThat(client.readLine()).startsWith("+OK");
        return client;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String decoded(String challengeLine) {
        assertThat(challengeLine).startsWith("+ ");
        return new String(Base64.getDecoder().decode(challengeLine.substring(2)), StandardCharsets.UTF_8);
    }

    @Test
    void authLogin() throws IOException {
        InetSocketAddress address = start(guard(Duration.ZERO, 100));
        try (Pop3TestClient c = connect(address)) {
            assertThat(decoded(c.command("AUTH LOGIN"))).isEqualTo("Username:");
            assertThat(decoded(c.command(b64(ALICE)))).isEqualTo("Password:");
            assertThat(c.command(b64("wrong"))).isEqualTo("-ERR [AUTH] invalid credentials");
            assertThat(decoded(c.command("AUTH LOGIN " + b64(ALICE)))).isEqualTo("Password:");
            assertThat(c.command("*")).isEqualTo("-ERR authentication cancelled");
            assertThat(decoded(c.command("AUTH LOGIN"))).isEqualTo("Username:");
            assertThat(decoded(c.command(b64(ALICE)))).isEqualTo("Password:");
            assertThat(c.command(b64("secret"))).startsWith("+OK maildrop has 1 messages");
        }
    }

    @Test
    void authPlainWithAnAuthzid() throws IOException {
        InetSocketAddress address = start(guard(Duration.ZERO, 100));
        try (Pop3TestClient c = connect(address)) {
            assertThat(c.command("AUTH PLAIN " + b64("bob@example.test\0" + ALICE + "\0secret")))
                    .isEqualTo("-ERR [AUTH] invalid credentials");
            assertThat(c.command("AUTH PLAIN " + b64(ALICE + "\0" + ALICE + "\0secret"))).startsWith("+OK");
        }
    }

    /** Runs the python3 SCRAM client; returns its output, and checks the exit status. */
    private String pythonScram(InetSocketAddress address, String user, String password, int expectedExit)
            throws Exception {
        Path script = Path.of(getClass().getResource("/sasl/scram_pop3.py").toURI());
        Process python = new ProcessBuilder("python3", script.toString(), "127.0.0.1",
                String.valueOf(address.getPort()), user, password).redirectErrorStream(true).start();
        python.getOutputStream().close();
        byte[] output = python.getInputStream().readAllBytes();
        assertThat(python.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(python.exitValue()).as(text).isEqualTo(expectedExit);
        return text;
    }

    @Test
    void scramSha256WithAnIndependentPythonClient() throws Exception {
        InetSocketAddress address = start(guard(Duration.ZERO, 100));
        assertThat(pythonScram(address, ALICE, "secret", 0).lines()).containsExactly(
                "greeting +OK pop.example.test Mailroom POP3 ready",
                "sasl ['SASL SCRAM-SHA-256 PLAIN LOGIN']",
                "iterations 4096",
                "server signature verified",
                "login +OK maildrop has 1 messages (23 octets)",
                "stat +OK 1 23",
                "quit +OK pop.example.test signing off (1 messages left)");
    }

    @Test
    void scramSha256RefusesAWrongPasswordAndAnUnknownUserAlike() throws Exception {
        InetSocketAddress address = start(guard(Duration.ZERO, 100));
        assertThat(pythonScram(address, ALICE, "wrong", 1)).contains("refused -ERR [AUTH] invalid credentials");
        assertThat(pythonScram(address, "nobody@example.test", "secret", 1))
                .contains("iterations 4096", "refused -ERR [AUTH] invalid credentials");
    }

    @Test
    void theFailureDelayHoldsTheReplyButNoThread() throws Exception {
        // One session thread for all connections: a sleeping delay would stall bob's login behind alice's failure.
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        SessionThreads oneThread = new SessionThreads(1);
        closeAtEnd.add(() -> {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
            oneThread.close();
        });
        Duration delay = Duration.ofMillis(1500);
        Pop3Server server = new Pop3Server(Pop3Settings.defaults("pop.example.test"), store, blobs, sasl,
                guard(delay, 100), boss, workers, oneThread);
        closeAtEnd.add(0, server);
        InetSocketAddress address = server.start(new InetSocketAddress("127.0.0.1", 0));

        try (Pop3TestClient alice = connect(address); Pop3TestClient bob = connect(address)) {
            long start = System.nanoTime();
            alice.send("AUTH PLAIN " + b64("\0" + ALICE + "\0wrong"));
            alice.send("NOOP"); // queued behind the delayed reply, answered after it
            assertThat(bob.command("AUTH PLAIN " + b64("\0bob@example.test\0hunter2"))).startsWith("+OK");
            long bobDone = System.nanoTime() - start;
            assertThat(alice.readLine()).isEqualTo("-ERR [AUTH] invalid credentials");
            long aliceDone = System.nanoTime() - start;
            assertThat(alice.readLine()).startsWith("-ERR NOOP not valid");
            assertThat(Duration.ofNanos(aliceDone)).isGreaterThanOrEqualTo(delay);
            assertThat(bobDone).isLessThan(aliceDone);
        }
    }

    @Test
    void attemptsOverTheRateAreRefusedBeforeAnyCheck() throws IOException {
        InetSocketAddress address = start(guard(Duration.ZERO, 2));
        try (Pop3TestClient c = connect(address)) {
            assertThat(c.command("AUTH PLAIN " + b64("\0" + ALICE + "\0wrong"))).startsWith("-ERR [AUTH]");
        }
        try (Pop3TestClient c = connect(address)) {
            assertThat(c.command("USER " + ALICE)).startsWith("+OK");
            assertThat(c.command("PASS wrong")).startsWith("-ERR [AUTH]");
            // The third attempt from 127.0.0.1 this minute, with the right password: refused all the same.
            assertThat(c.command("AUTH PLAIN " + b64("\0" + ALICE + "\0secret")))
                    .isEqualTo("-ERR [SYS/TEMP] too many login attempts, try again later");
            assertThat(c.closedByServer()).isTrue();
        }
    }
}
