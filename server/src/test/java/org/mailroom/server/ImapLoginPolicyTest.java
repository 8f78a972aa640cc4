package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IMAP login policy on a server where passwords in the clear are refused even from loopback
 * ({@code tls.plaintext_auth_from_loopback = false}), as a remote client sees it, and where failed logins are
 * answered late ({@code limits.auth_delay}) and end the connection at {@code limits.auth_failures}.
 */
class ImapLoginPolicyTest {

    static final String ALICE = "alice@example.test";
    static final long DELAY_MS = 300;

    @TempDir
    static Path data;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(data, Map.of("tls.plaintext_auth_from_loopback", "false",
                "limits.auth_delay", "\"" + DELAY_MS + "ms\"", "limits.auth_failures", "3"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void loginDisabledUntilStartTlsThenPasswordsWork() throws Exception {
        try (ImapLine imap = new ImapLine(server.imap().getPort())) {
            String greeting = imap.read();
            // RFC 9051 sections 6.2.1 and 6.2.3: STARTTLS and LOGINDISABLED, and no mechanism sending a password.
            assertThat(greeting).contains(" STARTTLS ").contains(" LOGINDISABLED ").contains("AUTH=SCRAM-SHA-256 ")
                    .doesNotContain("AUTH=PLAIN").doesNotContain("AUTH=LOGIN").doesNotContain("-PLUS");
            imap.send("a LOGIN " + ALICE + " " + TestServer.PASSWORD + "\r\n");
            assertThat(imap.read()).startsWith("a NO [PRIVACYREQUIRED]");
            imap.send("b AUTHENTICATE PLAIN AGFsaWNlQGV4YW1wbGUudGVzdABzZWNyZXQ=\r\n");
            assertThat(imap.read()).startsWith("b NO [PRIVACYREQUIRED]");
            imap.send("c STARTTLS\r\n");
            assertThat(imap.read()).isEqualTo("c OK Begin TLS negotiation now");
            imap.startTls();
            assertThat(imap.tlsProtocol()).startsWith("TLSv1.");
            // The capabilities after TLS: passwords allowed, channel binding offered, STARTTLS gone.
            imap.send("d CAPABILITY\r\n");
            String capability = imap.read();
            assertThat(capability).startsWith("* CAPABILITY ").contains("AUTH=SCRAM-SHA-256-PLUS")
                    .contains("AUTH=PLAIN").doesNotContain("LOGINDISABLED").doesNotContain("STARTTLS");
            assertThat(imap.read()).startsWith("d OK");
            imap.send("e AUTHENTICATE PLAIN AGFsaWNlQGV4YW1wbGUudGVzdABzZWNyZXQ=\r\n");
            assertThat(imap.read()).startsWith("e OK [CAPABILITY ").endsWith("Logged in");
        }
    }

    @Test
    void failedLoginsAreAnsweredLateInOrderAndTheLimitCloses() throws Exception {
        try (ImapLine imap = ImapLine.tls(server.imaps().getPort())) {
            imap.read();
            // A command pipelined behind the failed LOGIN waits for the delayed NO and is answered after it.
            long start = System.nanoTime();
            imap.send("a LOGIN " + ALICE + " wrong\r\nb NOOP\r\n");
            assertThat(imap.read()).isEqualTo("a NO [AUTHENTICATIONFAILED] Authentication failed");
            long firstMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(imap.read()).startsWith("b OK");
            assertThat(firstMs).isGreaterThanOrEqualTo(DELAY_MS);
            imap.send("c LOGIN nobody@example.test wrong\r\n");
            assertThat(imap.read()).isEqualTo("c NO [AUTHENTICATIONFAILED] Authentication failed");
            imap.send("d AUTHENTICATE PLAIN AGFsaWNlQGV4YW1wbGUudGVzdABub3Bl\r\n");
            assertThat(imap.read()).isEqualTo("d NO [AUTHENTICATIONFAILED] Authentication failed");
            assertThat(imap.read()).isEqualTo("* BYE Too many failed logins");
            assertThat(imap.read()).isNull();
        }
    }
}
