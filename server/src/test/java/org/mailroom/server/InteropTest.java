package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Other people's clients against our server: python3's smtplib and poplib, and curl. */
class InteropTest {

    @TempDir
    static Path data;
    static TestServer server;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start(data);
    }

    @AfterAll
    static void stop() {
        server.close();
    }


    @Test
    void pythonSmtplibAndPoplib() throws Exception {
        Path script = Path.of(InteropTest.class.getResource("/interop/smtp_pop3.py").toURI());
        String out = Programs.run(null, List.of("python3", script.toString(), "127.0.0.1",
                String.valueOf(server.smtp().getPort()), String.valueOf(server.pop3().getPort()),
                "bob@example.test", TestServer.PASSWORD));
        assertThat(out).contains("python interop: all checks passed").doesNotContain("FAIL");
    }

    @Test
    void pythonUsesEveryAnnouncedExtension() throws Exception {
        server.server.storage().directory().addAccount("jörg@example.test", "x".toCharArray());
        server.server.storage().directory().addAccount("carol@example.test", "x".toCharArray());
        Path script = Path.of(InteropTest.class.getResource("/interop/esmtp_extensions.py").toURI());
        String out = Programs.run(null, List.of("python3", script.toString(), "127.0.0.1",
                String.valueOf(server.smtp().getPort()), "jörg@example.test", "carol@example.test"));
        assertThat(out).contains("8bitmime + dsn ok", "smtputf8 ok", "size ok");
        var store = server.server.storage().mailStore();
        var box = store.mailbox("jörg@example.test", "INBOX").orElseThrow();
        assertThat(store.messages(box.id())).hasSize(1);
        try (var in = server.server.storage().blobStore().open(store.messages(box.id()).get(0).blobId())) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .contains("with UTF8SMTP id").contains("for <jörg@example.test>");
        }
    }

    @Test
    void curlSendsOverSmtpAndReadsBackOverPop3() throws Exception {
        String message = "From: curl@elsewhere.test\r\nTo: alice@example.test\r\nSubject: via curl\r\n\r\nSent by curl.\r\n";
        Programs.run(message, List.of("curl", "-sS", "--max-time", "20", "smtp://127.0.0.1:" + server.smtp().getPort(),
                "--mail-from", "curl@elsewhere.test", "--mail-rcpt", "alice@example.test", "--upload-file", "-"));
        String pop3 = "pop3://alice%40example.test:" + TestServer.PASSWORD + "@127.0.0.1:" + server.pop3().getPort();
        String list = Programs.run(null, List.of("curl", "-sS", "--max-time", "20", pop3 + "/"));
        assertThat(list.lines().toList()).hasSize(1);
        String retrieved = Programs.run(null, List.of("curl", "-sS", "--max-time", "20", pop3 + "/1"));
        // curl prints the message as stored: our trace headers, then exactly what it sent.
        assertThat(retrieved).startsWith("Return-Path: <curl@elsewhere.test>\r\nReceived: from ")
                .endsWith("\r\n" + message);
    }

    @Test
    void curlGetsTheRelayRefusal() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("curl", "-sS", "--max-time", "20",
                "smtp://127.0.0.1:" + server.smtp().getPort(), "--mail-from", "x@elsewhere.test",
                "--mail-rcpt", "victim@other.test", "--upload-file", "-").redirectErrorStream(true);
        Process p = pb.start();
        p.getOutputStream().write("Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).isNotZero();
        assertThat(out).contains("550");
    }
}
