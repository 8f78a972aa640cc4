package org.mailroom.protocol.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Python's poplib, a real client, against the running server. */
class Pop3PoplibTest {

    private static final String MESSAGE = "Subject: from python\r\nFrom: carol@example.test\r\n\r\nHi.\r\n.dotted line\r\n";

    private static final String SCRIPT = String.join("\n",
            "import poplib, sys",
            "host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]",
            "p = poplib.POP3(host, port, timeout=10)",
            "print('welcome', p.getwelcome().decode())",
            "print('capa', sorted(p.capa().keys()))",
            "print('user', p.user(user).decode())",
            "print('pass', p.pass_(password).decode())",
            "print('stat', p.stat())",
            "resp, lines, octets = p.retr(1)",
            "print('retr', resp.decode(), octets)",
            "for line in lines: print('line', line.decode())",
            "print('dele', p.dele(1).decode())",
            "print('quit', p.quit().decode())",
            "");

    private final InMemoryBlobStore blobs = new InMemoryBlobStore();
    private final InMemoryMailStore store = new InMemoryMailStore(blobs);
    private final InMemoryDirectory directory = new InMemoryDirectory();
    private Pop3Server server;
    private InetSocketAddress address;

    @BeforeAll
    static void quiet() {
        QuietLogs.apply();
    }

    @BeforeEach
    void setUp() throws IOException {
        directory.addAccount("alice@example.test", "secret".toCharArray());
        store.deliverText("alice@example.test", MESSAGE);
        server = new Pop3Server(Pop3Settings.defaults("pop.example.test"), store, blobs, directory);
        address = server.start(new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    void poplibLogsInRetrievesDeletesAndQuits() throws Exception {
        Process python = new ProcessBuilder("python3", "-c", SCRIPT, "127.0.0.1", String.valueOf(address.getPort()),
                "alice@example.test", "secret").redirectErrorStream(true).start();
        python.getOutputStream().close();
        byte[] output = python.getInputStream().readAllBytes();
        assertThat(python.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(python.exitValue()).as(text).isZero();
        assertThat(text.lines()).containsExactly(
                "welcome +OK pop.example.test Mailroom POP3 ready",
                "capa ['AUTH-RESP-CODE', 'EXPIRE', 'IMPLEMENTATION', 'PIPELINING', 'RESP-CODES', 'SASL', 'TOP', 'UIDL', 'USER']",
                "user +OK send PASS",
                "pass +OK maildrop has 1 messages (" + MESSAGE.length() + " octets)",
                "stat (1, " + MESSAGE.length() + ")",
                // poplib counts the octets it received, un-stuffed, with CRLF: the exact size RFC 1939 promises.
                "retr +OK " + MESSAGE.length() + " octets " + MESSAGE.length(),
                "line Subject: from python",
                "line From: carol@example.test",
                "line ",
                "line Hi.",
                "line .dotted line",
                "dele +OK message 1 deleted",
                "quit +OK pop.example.test signing off (0 messages left)");
        assertThat(store.inboxUids("alice@example.test")).isEqualTo(List.of());
    }
}
