package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.storage.postgres.TestPostgres;

/**
 * Readers while the database is away: node C reaches PostgreSQL through a proxy the test cuts, node A keeps
 * its own connection and goes on accepting mail. During the cut C's POP3 answers -ERR [SYS/TEMP] (never
 * [IN-USE]: nobody holds the maildrop) and C's IMAP answers NO [UNAVAILABLE] (RFC 5530) or BYE, to sessions
 * already open and to new ones; once the proxy lets connections through again both serve, the mail A accepted
 * meanwhile included, without a restart.
 */
class PostgresReadersOutageTest {

    private static final String ALICE = "alice@example.test";

    @RegisterExtension
    static final TestPostgres postgres = new TestPostgres();

    @TempDir
    Path dirA;
    @TempDir
    Path dirC;

    @Test
    void pop3AndImapAnswerTemporaryFailuresWhileTheDatabaseIsAwayAndRecoverByThemselves() throws Exception {
        URI db = URI.create(postgres.url().substring("jdbc:".length()));
        try (PostgresTcpProxy proxy = new PostgresTcpProxy(new InetSocketAddress(db.getHost(), db.getPort()));
             TestServer a = TestServer.start(dirA, PostgresTwoNodesTest.postgresqlStore(postgres.url()))) {
            String viaProxy = postgres.url().replace(db.getHost() + ":" + db.getPort(), "127.0.0.1:" + proxy.port());
            try (TestServer c = TestServer.start(dirC, PostgresTwoNodesTest.postgresqlStore(viaProxy))) {
                deliver(a, "before");
                try (PostgresLineClient imap = imapLogin(c.imap())) {
                    assertThat(tagged(imap, "a")).startsWith("a OK");
                    imap.send("b SELECT INBOX");
                    assertThat(tagged(imap, "b")).startsWith("b OK");

                    proxy.cut();
                    deliver(a, "during"); // A still has the database

                    imap.send("c FETCH 1 (BODY[])");
                    String fetch = tagged(imap, "c");
                    System.out.println("IMAP FETCH, database away: " + fetch);
                    assertThat(fetch).matches("c NO \\[UNAVAILABLE\\].*|\\* BYE.*");
                    if (fetch.startsWith("c NO")) {
                        imap.send("d STATUS INBOX (MESSAGES)");
                        assertThat(tagged(imap, "d")).matches("d NO \\[UNAVAILABLE\\].*|\\* BYE.*");
                    }
                    try (PostgresLineClient fresh = imapLogin(c.imap())) {
                        String login = tagged(fresh, "a");
                        System.out.println("IMAP LOGIN, database away: " + login);
                        assertThat(login).matches("a NO \\[UNAVAILABLE\\].*|\\* BYE.*");
                    }
                    try (PostgresLineClient pop3 = pop3Login(c.pop3())) {
                        String pass = pop3.line();
                        System.out.println("POP3 PASS, database away: " + pass);
                        assertThat(pass).startsWith("-ERR [SYS/TEMP]");
                    }

                    proxy.restore();
                    // The open IMAP session sees both messages once the database is back.
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                        imap.send("e NOOP");
                        return untilTagged(imap, "e").contains("* 2 EXISTS");
                    });
                    imap.send("f FETCH 2 (BODY[HEADER.FIELDS (SUBJECT)])");
                    assertThat(untilTagged(imap, "f")).contains("Subject: during").contains("\nf OK");
                }
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    try (PostgresLineClient pop3 = pop3Login(c.pop3())) {
                        if (!pop3.line().startsWith("+OK")) return false;
                        pop3.send("STAT");
                        String stat = pop3.line();
                        pop3.send("QUIT");
                        pop3.line();
                        return stat.startsWith("+OK 2 ");
                    }
                });
                try (PostgresLineClient imap = imapLogin(c.imap())) {
                    assertThat(tagged(imap, "a")).startsWith("a OK");
                }
            }
        }
    }

    private static void deliver(TestServer node, String subject) throws Exception {
        try (PostgresLineClient smtp = PostgresLineClient.smtp(node.smtp())) {
            assertThat(smtp.sendMail("bob@example.test", ALICE, subject, "x")).startsWith("250");
        }
    }

    private static PostgresLineClient imapLogin(InetSocketAddress address) throws Exception {
        PostgresLineClient imap = new PostgresLineClient(address);
        imap.line(); // greeting
        imap.send("a LOGIN " + ALICE + " " + TestServer.PASSWORD);
        return imap;
    }

    private static PostgresLineClient pop3Login(InetSocketAddress address) throws Exception {
        PostgresLineClient pop3 = new PostgresLineClient(address);
        pop3.line();
        pop3.send("USER " + ALICE);
        pop3.line();
        pop3.send("PASS " + TestServer.PASSWORD);
        return pop3;
    }

    /** The tagged reply (or a BYE that ends the session); untagged lines before it are skipped. */
    private static String tagged(PostgresLineClient imap, String tag) throws Exception {
        while (true) {
            String line = imap.line();
            if (line.startsWith(tag + " ") || line.startsWith("* BYE")) return line;
        }
    }

    /** Every line up to and including the tagged reply, joined by newlines. */
    private static String untilTagged(PostgresLineClient imap, String tag) throws Exception {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = imap.line();
            lines.add(line);
            if (line.startsWith(tag + " ")) return String.join("\n", lines);
        }
    }
}
