package org.mailroom.protocol.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mailroom.core.auth.Authenticator;
import org.mailroom.core.auth.LoginGuard;
import org.mailroom.core.auth.SaslMechanisms;

/** Conversations with a real Pop3Server on 127.0.0.1 over real sockets, backed by in-memory stores. */
class Pop3SessionTest {

    static final String ALICE = "alice@example.test";
    static final String BOB = "bob@example.test";
    static final String FIRST = "Subject: first\r\nFrom: carol@example.test\r\n\r\nHello Alice.\r\nSecond line.\r\n";
    static final String SECOND = "Subject: second\r\n\r\n.starts with a dot\r\n..two dots\r\n.\r\nend\r\n";

    private final List<Pop3Server> servers = new ArrayList<>();
    private InMemoryBlobStore blobs;
    private InMemoryMailStore store;
    private InMemoryDirectory directory;
    private InetSocketAddress address;

    @BeforeAll
    static void quiet() {
        QuietLogs.apply();
    }

    @BeforeEach
    void setUp() throws IOException {
        blobs = new InMemoryBlobStore();
        store = new InMemoryMailStore(blobs);
        directory = new InMemoryDirectory();
        directory.addAccount(ALICE, "secret".toCharArray());
        directory.addAccount(BOB, "hunter2".toCharArray());
        store.deliverText(ALICE, FIRST);
        store.deliverText(ALICE, SECOND);
        address = start(Pop3Settings.defaults("pop.example.test"));
    }

    @AfterEach
    void tearDown() {
        servers.forEach(Pop3Server::close);
    }

    private InetSocketAddress start(Pop3Settings settings) throws IOException {
        // No delays here (Pop3AuthTest covers them); the same per-connection limit.
        LoginGuard guard = new LoginGuard(new LoginGuard.Settings(Duration.ZERO, Duration.ZERO,
                settings.maxAuthFailures(), 1000, Duration.ofMinutes(1), Duration.ofMinutes(15), 1000), Clock.systemUTC());
        Pop3Server server = new Pop3Server(settings, store, blobs,
                new SaslMechanisms(new Authenticator(directory, Clock.systemUTC())), guard);
        servers.add(server);
        return server.start(new InetSocketAddress("127.0.0.1", 0));
    }

    private Pop3TestClient connect() throws IOException {
        return connect(address);
    }

    private static Pop3TestClient connect(InetSocketAddress to) throws IOException {
        Pop3TestClient client = new Pop3TestClient(to);
        assertThat(client.readLine()).startsWith("+OK pop.example.test");
        return client;
    }

    private static String plain(String authzid, String user, String password) {
        return Base64.getEncoder().encodeToString(
                (authzid + "\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void rfc1939HappyPath() throws IOException {
        int total = FIRST.length() + SECOND.length();
        try (Pop3TestClient c = connect()) {
            assertThat(c.command("USER " + ALICE)).startsWith("+OK");
            assertThat(c.command("PASS secret")).isEqualTo("+OK maildrop has 2 messages (" + total + " octets)");
            assertThat(c.command("STAT")).isEqualTo("+OK 2 " + total);
            assertThat(c.command("LIST")).startsWith("+OK 2 messages");
            assertThat(c.readBody()).containsExactly("1 " + FIRST.length(), "2 " + SECOND.length());
            assertThat(c.command("LIST 2")).isEqualTo("+OK 2 " + SECOND.length());
            assertThat(c.command("RETR 1")).isEqualTo("+OK " + FIRST.length() + " octets");
            assertThat(String.join("\r\n", c.readBody()) + "\r\n").isEqualTo(FIRST);
            assertThat(c.command("NOOP")).isEqualTo("+OK");
            assertThat(c.command("DELE 1")).isEqualTo("+OK message 1 deleted");
            assertThat(c.command("STAT")).isEqualTo("+OK 1 " + SECOND.length());
            assertThat(c.command("LIST")).startsWith("+OK 1 messages");
            assertThat(c.readBody()).containsExactly("2 " + SECOND.length());
            assertThat(c.command("RETR 1")).isEqualTo("-ERR no such message");
            assertThat(c.command("RSET")).isEqualTo("+OK maildrop has 2 messages (" + total + " octets)");
            assertThat(c.command("DELE 2")).startsWith("+OK");
            assertThat(c.command("QUIT")).isEqualTo("+OK pop.example.test signing off (1 messages left)");
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(store.inboxUids(ALICE)).containsExactly(1L);
        assertThat(store.isLocked(ALICE)).isFalse();
    }

    @Test
    void capaBeforeAndAfterLogin() throws IOException {
        try (Pop3TestClient c = connect()) {
            assertThat(c.command("CAPA")).isEqualTo("+OK capability list follows");
            assertThat(c.readBody()).containsExactly("TOP", "UIDL", "USER", "SASL SCRAM-SHA-256 PLAIN LOGIN", "RESP-CODES",
                    "AUTH-RESP-CODE", "PIPELINING", "EXPIRE NEVER", "IMPLEMENTATION Mailroom");
            c.login(ALICE, "secret");
            assertThat(c.command("capa")).startsWith("+OK");
            assertThat(c.readBody()).doesNotContain("USER").noneMatch(line -> line.startsWith("SASL")).contains("TOP", "UIDL");
        }
    }

    @Test
    void topSendsHeaderAndFirstBodyLines() throws IOException {
        try (Pop3TestClient c = connect()) {
            c.login(ALICE, "secret");
            assertThat(c.command("TOP 1 0")).startsWith("+OK");
            assertThat(c.readBody()).containsExactly("Subject: first", "From: carol@example.test", "");
            assertThat(c.command("TOP 1 1")).startsWith("+OK");
            assertThat(c.readBody()).containsExactly("Subject: first", "From: carol@example.test", "", "Hello Alice.");
            assertThat(c.command("TOP 1 99")).startsWith("+OK");
            assertThat(c.readBody()).hasSize(5);
            assertThat(c.command("TOP 1")).startsWith("-ERR");
            assertThat(c.command("TOP 1 x")).startsWith("-ERR");
            assertThat(c.command("TOP 1 -1")).startsWith("-ERR");
            assertThat(c.command("TOP 3 1")).isEqualTo("-ERR no such message");
        }
    }

    @Test
    void uidlIsStableAcrossSessions() throws IOException {
        List<String> first;
        try (Pop3TestClient c = connect()) {
            c.login(ALICE, "secret");
            assertThat(c.command("UIDL")).startsWith("+OK");
            first = c.readBody();
            assertThat(first).hasSize(2).allSatisfy(line -> assertThat(line).matches("[12] [\\x21-\\x7e]{1,70}"));
            assertThat(first.get(0).substring(2)).isNotEqualTo(first.get(1).substring(2));
            assertThat(c.command("UIDL 2")).isEqualTo("+OK " + first.get(1));
            assertThat(c.command("DELE 1")).startsWith("+OK");
            assertThat(c.command("UIDL 1")).isEqualTo("-ERR no such message");
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        store.deliverText(ALICE, "Subject: third\r\n\r\nx\r\n");
        try (Pop3TestClient c = connect()) {
            c.login(ALICE, "secret");
            assertThat(c.command("UIDL")).startsWith("+OK");
            List<String> second = c.readBody();
            assertThat(second).hasSize(2);
            // Message 2 became message 1 but kept its unique-id.
            assertThat(second.get(0).substring(2)).isEqualTo(first.get(1).substring(2));
        }
    }

    @Test
    void byteStuffingOfBodyLinesStartingWithADot() throws IOException {
        try (Pop3TestClient c = connect()) {
            c.login(ALICE, "secret");
            assertThat(c.command("RETR 2")).isEqualTo("+OK " + SECOND.length() + " octets");
            assertThat(c.readRawBody()).containsExactly(
                    "Subject: second", "", "..starts with a dot", "...two dots", "..", "end", ".");
        }
    }

    @Test
    void authPlainWithInitialResponse() throws IOException {
        try (Pop3TestClient c = connect()) {
            assertThat(c.command("AUTH PLAIN " + plain("", ALICE, "secret"))).startsWith("+OK maildrop has 2");
            assertThat(c.command("STAT")).startsWith("+OK 2 ");
        }
    }

    @Test
    void authPlainWithContinuationAndAuthzidOfTheSameUser() throws IOException {
        try (Pop3TestClient c = connect()) {
            assertThat(c.command("AUTH plain")).isEqualTo("+ ");
            assertThat(c.command(plain(ALICE, ALICE, "secret"))).startsWith("+OK");
        }
    }

    @Test
    void authPlainCancelBadBase64AndMalformedMessages() throws IOException {
        try (Pop3TestClient c = connect()) {
            assertThat(c.command("AUTH PLAIN")).isEqualTo("+ ");
            assertThat(c.command("*")).isEqualTo("-ERR authentication cancelled");
            assertThat(c.command("AUTH PLAIN")).isEqualTo("+ ");
            assertThat(c.command("not base64!")).isEqualTo("-ERR malformed authentication response");
            assertThat(c.command("AUTH PLAIN %%%")).isEqualTo("-ERR malformed authentication response");
            assertThat(c.command("AUTH PLAIN =")).isEqualTo("-ERR malformed authentication response");
            assertThat(c.command("AUTH PLAIN " + Base64.getEncoder().encodeToString("no nul".getBytes(StandardCharsets.US_ASCII))))
                    .isEqualTo("-ERR malformed authentication response");
            assertThat(c.command("AUTH CRAM-MD5")).isEqualTo("-ERR unsupported authentication mechanism");
            assertThat(c.command("AUTH")).startsWith("+OK");
            assertThat(c.readBody()).containsExactly("SCRAM-SHA-256", "PLAIN", "LOGIN");
            // None of that counted as a failed login: a good one still works.
            assertThat(c.command("AUTH PLAIN " + plain("", ALICE, "secret"))).startsWith("+OK");
        }
    }

    @Test
    void authPlainFailuresAndActingAsAnotherUser() throws IOException {
        try (Pop3TestClient c = connect()) {
            assertThat(c.command("AUTH PLAIN " + plain("", ALICE, "wrong"))).isEqualTo("-ERR [AUTH] invalid credentials");
            assertThat(c.command("AUTH PLAIN " + plain(BOB, ALICE, "secret"))).isEqualTo("-ERR [AUTH] invalid credentials");
            assertThat(c.command("AUTH PLAIN " + plain("", BOB, "hunter2"))).startsWith("+OK");
        }
    }

    @Test
    void errorRepliesInAuthorization() throws IOException {
        try (Pop3TestClient c = connect()) {
            assertThat(c.command("HELO")).isEqualTo("-ERR unknown command");
            assertThat(c.command("")).isEqualTo("-ERR unknown command");
            assertThat(c.command("STAT")).isEqualTo("-ERR STAT not valid in the AUTHORIZATION state");
            assertThat(c.command("RETR 1")).startsWith("-ERR");
            assertThat(c.command("NOOP")).startsWith("-ERR");
            assertThat(c.command("PASS secret")).isEqualTo("-ERR send USER first");
            assertThat(c.command("USER")).startsWith("-ERR");
            assertThat(c.command("USER " + ALICE)).startsWith("+OK");
            assertThat(c.command("PASS")).startsWith("-ERR");
            // A bare local part is not a login.
            assertThat(c.command("USER alice")).startsWith("+OK");
            assertThat(c.command("PASS secret")).isEqualTo("-ERR [AUTH] invalid credentials");
            assertThat(c.command("QUIT")).isEqualTo("+OK pop.example.test signing off");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void errorRepliesInTransaction() throws IOException {
        try (Pop3TestClient c = connect()) {
            c.login(ALICE, "secret");
            assertThat(c.command("USER " + BOB)).isEqualTo("-ERR USER not valid in the TRANSACTION state");
            assertThat(c.command("AUTH PLAIN")).startsWith("-ERR");
            assertThat(c.command("XTND")).isEqualTo("-ERR unknown command");
            assertThat(c.command("RETR")).startsWith("-ERR");
            assertThat(c.command("RETR one")).isEqualTo("-ERR no such message");
            assertThat(c.command("RETR 0")).isEqualTo("-ERR no such message");
            assertThat(c.command("RETR 3")).isEqualTo("-ERR no such message");
            assertThat(c.command("RETR 99999999999999999999")).isEqualTo("-ERR no such message");
            assertThat(c.command("LIST 3")).isEqualTo("-ERR no such message");
            assertThat(c.command("LIST 1 2")).startsWith("-ERR");
            assertThat(c.command("UIDL 1 2")).startsWith("-ERR");
            assertThat(c.command("DELE")).startsWith("-ERR");
            assertThat(c.command("DELE 7")).isEqualTo("-ERR no such message");
            assertThat(c.command("DELE 1")).startsWith("+OK");
            assertThat(c.command("DELE 1")).isEqualTo("-ERR message 1 already deleted");
            assertThat(c.command("TOP 1 1")).isEqualTo("-ERR no such message");
            assertThat(c.command("STAT")).isEqualTo("+OK 1 " + SECOND.length());
        }
    }

    @Test
    void secondSessionFindsTheMaildropInUse() throws IOException {
        try (Pop3TestClient first = connect(); Pop3TestClient second = connect()) {
            first.login(ALICE, "secret");
            assertThat(second.command("USER " + ALICE)).startsWith("+OK");
            assertThat(second.command("PASS secret")).isEqualTo("-ERR [IN-USE] maildrop already locked");
            // RFC 2449: still in AUTHORIZATION.
            assertThat(second.command("STAT")).startsWith("-ERR STAT not valid in the AUTHORIZATION state");
            assertThat(first.command("QUIT")).startsWith("+OK");
            second.login(ALICE, "secret");
            assertThat(second.command("STAT")).startsWith("+OK 2 ");
        }
    }

    @Test
    void aLockTheStoreCannotTakeIsATemporaryFailureNotInUse() throws IOException {
        try (Pop3TestClient c = connect()) {
            store.failLocks = true;
            assertThat(c.command("USER " + ALICE)).startsWith("+OK");
            assertThat(c.command("PASS secret")).isEqualTo("-ERR [SYS/TEMP] maildrop unavailable, try again later");
            assertThat(c.command("STAT")).as("still in AUTHORIZATION").startsWith("-ERR STAT not valid");
            store.failLocks = false;
            c.login(ALICE, "secret");
            assertThat(c.command("STAT")).startsWith("+OK 2 ");
        }
        await().until(() -> !store.isLocked(ALICE));
    }

    @Test
    void deleTakesEffectOnlyAtQuitNeverOnDisconnect() throws IOException {
        try (Pop3TestClient c = connect()) {
            c.login(ALICE, "secret");
            assertThat(c.command("DELE 1")).startsWith("+OK");
            assertThat(c.command("DELE 2")).startsWith("+OK");
            assertThat(store.inboxUids(ALICE)).containsExactly(1L, 2L);
        } // closed without QUIT
        await().until(() -> !store.isLocked(ALICE));
        assertThat(store.inboxUids(ALICE)).containsExactly(1L, 2L);

        try (Pop3TestClient c = connect()) {
            c.login(ALICE, "secret");
            assertThat(c.command("DELE 1")).startsWith("+OK");
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        assertThat(store.inboxUids(ALICE)).containsExactly(2L);
    }

    @Test
    void messageExpungedByAnotherSessionMeanwhile() throws IOException {
        try (Pop3TestClient c = connect()) {
            c.login(ALICE, "secret");
            store.expunge(store.mailbox(ALICE, "INBOX").orElseThrow().id(), List.of(1L)); // as IMAP would
            assertThat(c.command("RETR 1")).isEqualTo("-ERR no such message");
            assertThat(c.command("RETR 2")).startsWith("+OK");
            c.readBody();
            assertThat(c.command("DELE 1")).startsWith("+OK");
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        assertThat(store.inboxUids(ALICE)).containsExactly(2L);
    }

    @Test
    void failedExpungeAtQuitAnswersSysTempAndKeepsTheMessages() throws IOException {
        store.failExpunge = true;
        try (Pop3TestClient c = connect()) {
            c.login(ALICE, "secret");
            assertThat(c.command("DELE 1")).startsWith("+OK");
            assertThat(c.command("QUIT")).startsWith("-ERR [SYS/TEMP]");
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(store.inboxUids(ALICE)).containsExactly(1L, 2L);
        await().until(() -> !store.isLocked(ALICE));
    }

    @Test
    void storeFailureIsAnInternalErrorWithoutStackTraceAndReleasesTheLock() throws IOException {
        store.failListing = true;
        try (Pop3TestClient c = connect()) {
            assertThat(c.command("USER " + ALICE)).startsWith("+OK");
            assertThat(c.command("PASS secret")).isEqualTo("-ERR [SYS/TEMP] internal error");
            assertThat(store.isLocked(ALICE)).isFalse();
            store.failListing = false;
            c.login(ALICE, "secret");
            assertThat(c.command("STAT")).startsWith("+OK 2");
        }
    }

    @Test
    void overLongLineIsRefusedAndTheSessionGoesOn() throws IOException {
        try (Pop3TestClient c = connect()) {
            assertThat(c.command("USER " + "x".repeat(300))).isEqualTo("-ERR Line too long");
            assertThat(c.command("NOOP " + "y".repeat(100_000))).isEqualTo("-ERR Line too long");
            c.login(ALICE, "secret");
            assertThat(c.command("STAT")).startsWith("+OK 2");
        }
    }

    @Test
    void tooManyAuthFailuresCloseTheConnection() throws IOException {
        try (Pop3TestClient c = connect()) {
            assertThat(c.command("USER " + ALICE)).startsWith("+OK");
            assertThat(c.command("PASS nope")).isEqualTo("-ERR [AUTH] invalid credentials");
            assertThat(c.command("AUTH PLAIN " + plain("", ALICE, "nope"))).isEqualTo("-ERR [AUTH] invalid credentials");
            assertThat(c.command("USER " + ALICE)).startsWith("+OK");
            assertThat(c.command("PASS still-wrong")).isEqualTo("-ERR [AUTH] invalid credentials");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void serverStillServesAfterAMisbehavingClient() throws IOException {
        try (Pop3TestClient bad = connect()) {
            bad.sendRaw("\u0000\u00ff garbage\r\n" + "A".repeat(5000));
            assertThat(bad.readLine()).isEqualTo("-ERR unknown command");
            assertThat(bad.readLine()).isEqualTo("-ERR Line too long");
            bad.sendRaw("\r\nUSER " + ALICE + "\r\nPASS secret\r\nRETR 1\r\n");
            assertThat(bad.readLine()).startsWith("+OK");
        } // vanishes in the middle of the conversation
        try (Pop3TestClient good = connect()) {
            await().until(() -> !store.isLocked(ALICE));
            good.login(ALICE, "secret");
            assertThat(good.command("STAT")).startsWith("+OK 2");
        }
    }

    @Test
    void pipelinedCommandsAroundALargeRetrAreAnsweredInOrder() throws IOException {
        StringBuilder big = new StringBuilder("Subject: big\r\n\r\n");
        for (int i = 0; big.length() < 3_000_000; i++) big.append(i % 7 == 0 ? "." : "").append("line ").append(i).append("\r\n");
        store.deliverText(ALICE, big.toString());
        try (Pop3TestClient c = connect()) {
            c.sendRaw("USER " + ALICE + "\r\nPASS secret\r\nRETR 3\r\nSTAT\r\nUIDL 3\r\nRETR 1\r\nNOOP\r\n");
            assertThat(c.readLine()).startsWith("+OK");
            assertThat(c.readLine()).startsWith("+OK maildrop has 3");
            assertThat(c.readLine()).isEqualTo("+OK " + big.length() + " octets");
            assertThat(String.join("\r\n", c.readBody()) + "\r\n").isEqualTo(big.toString());
            assertThat(c.readLine()).startsWith("+OK 3 ");
            assertThat(c.readLine()).startsWith("+OK 3 ");
            assertThat(c.readLine()).startsWith("+OK");
            assertThat(String.join("\r\n", c.readBody()) + "\r\n").isEqualTo(FIRST);
            assertThat(c.readLine()).isEqualTo("+OK");
        }
    }

    @Test
    void connectionsBeyondTheLimitAreRefused() throws IOException {
        InetSocketAddress limited = start(new Pop3Settings("pop.example.test", Duration.ofMinutes(10), 255, 3, 1, true, true));
        try (Pop3TestClient first = connect(limited); Pop3TestClient second = new Pop3TestClient(limited)) {
            assertThat(second.readLine()).isEqualTo("-ERR [SYS/TEMP] too many connections");
            assertThat(second.closedByServer()).isTrue();
            assertThat(first.command("CAPA")).startsWith("+OK");
            first.readBody();
        }
        // Once both are gone, a new client is served again.
        await().untilAsserted(() -> {
            try (Pop3TestClient again = new Pop3TestClient(limited)) {
                assertThat(again.readLine()).startsWith("+OK");
            }
        });
    }

    @Test
    void idleClientIsLoggedOutWithoutUpdate() throws IOException {
        InetSocketAddress impatient = start(new Pop3Settings("pop.example.test", Duration.ofMillis(300), 255, 3, 10, true, true));
        try (Pop3TestClient c = connect(impatient)) {
            c.login(ALICE, "secret");
            assertThat(c.command("DELE 1")).startsWith("+OK");
            await().atMost(Duration.ofSeconds(5)).until(c::closedByServer);
        }
        await().until(() -> !store.isLocked(ALICE));
        assertThat(store.inboxUids(ALICE)).containsExactly(1L, 2L);
    }

    @Test
    void plaintextLoginCanBeRefusedWithoutTls() throws IOException {
        InetSocketAddress strict = start(new Pop3Settings("pop.example.test", Duration.ofMinutes(10), 255, 3, 10, false, false));
        try (Pop3TestClient c = connect(strict)) {
            assertThat(c.command("CAPA")).startsWith("+OK");
            assertThat(c.readBody()).doesNotContain("USER").contains("SASL SCRAM-SHA-256");
            assertThat(c.command("AUTH LOGIN")).startsWith("-ERR [AUTH]");
            assertThat(c.command("USER " + ALICE)).startsWith("-ERR [AUTH]");
            assertThat(c.command("AUTH PLAIN " + plain("", ALICE, "secret"))).startsWith("-ERR [AUTH]");
        }
    }

    @Test
    void emptyMaildropOfAnAccountThatNeverReceivedMail() throws IOException {
        try (Pop3TestClient c = connect()) {
            c.login(BOB, "hunter2");
            assertThat(c.command("STAT")).isEqualTo("+OK 0 0");
            assertThat(c.command("LIST")).startsWith("+OK 0 messages");
            assertThat(c.readBody()).isEmpty();
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
    }
}
