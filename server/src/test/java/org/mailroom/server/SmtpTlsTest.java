package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.MessageRecord;

/** STARTTLS (RFC 3207) with real clients: openssl s_client, python3 smtplib, curl, swaks and Angus Mail. */
class SmtpTlsTest {

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

    private static String port() {
        return String.valueOf(server.smtp().getPort());
    }


    private static String lastMessage(String account) throws IOException {
        MailStore store = server.server.storage().mailStore();
        List<MessageRecord> messages = store.messages(store.mailbox(account, "INBOX").orElseThrow().id());
        MessageRecord last = messages.get(messages.size() - 1);
        try (var in = server.server.storage().blobStore().open(last.blobId())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void opensslNegotiatesTls13WithTheSelfSignedCertificate() throws Exception {
        Programs.Result r = Programs.result("QUIT\n", "openssl", "s_client", "-ign_eof", "-crlf", "-starttls", "smtp", "-connect", "127.0.0.1:" + port(),
                "-tls1_3", "-servername", "mx.example.test");
        assertThat(r.output()).contains("TLSv1.3").contains("subject=CN = mx.example.test").contains("221 2.0.0 Bye");
    }

    @Test
    void opensslTls12IsAcceptedButTls10And11AreRefused() throws Exception {
        assertThat(Programs.result("QUIT\n", "openssl", "s_client", "-ign_eof", "-crlf", "-starttls", "smtp", "-connect", "127.0.0.1:" + port(),
                "-tls1_2").output()).contains("TLSv1.2").contains("221 2.0.0 Bye");
        for (String old : new String[] {"-tls1", "-tls1_1"}) {
            // The client is allowed the old protocol (SECLEVEL=0), so a refusal is the server's.
            Programs.Result r = Programs.result("QUIT\n", "openssl", "s_client", "-ign_eof", "-crlf", "-starttls", "smtp", "-connect", "127.0.0.1:" + port(),
                    old, "-cipher", "DEFAULT:@SECLEVEL=0");
            assertThat(r.exit()).as("%s output: %s", old, r.output()).isNotZero();
            assertThat(r.output()).doesNotContain("221 2.0.0 Bye").containsIgnoringCase("alert");
        }
    }

    @Test
    void pythonSmtplibStartTls() throws Exception {
        Path script = Path.of(SmtpTlsTest.class.getResource("/interop/smtp_starttls.py").toURI());
        Programs.Result r = Programs.result("", "python3", script.toString(), "127.0.0.1", port(), "bob@example.test");
        assertThat(r.output()).contains("python starttls: ok").contains("TLSv1.3");
        String stored = lastMessage("bob@example.test");
        assertThat(stored).contains("with ESMTPS id").contains("(using TLSv1.3 with cipher TLS_").contains("secret");
    }

    @Test
    void curlWithSslRequired() throws Exception {
        Programs.Result r = Programs.result("Subject: curl tls\r\n\r\nvia curl\r\n", "curl", "-sS", "--max-time", "20", "--ssl-reqd", "-k",
                "smtp://127.0.0.1:" + port(), "--mail-from", "curl@elsewhere.test", "--mail-rcpt", "alice@example.test",
                "--upload-file", "-");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(lastMessage("alice@example.test")).contains("with ESMTPS").contains("via curl");
    }

    @Test
    void swaksWithPipeliningAndTls() throws Exception {
        Programs.Result r = Programs.result("", "swaks", "--server", "127.0.0.1:" + port(), "--to", "alice@example.test",
                "--from", "swaks@elsewhere.test", "--helo", "swaks.test", "--pipeline", "--tls",
                "--header", "Subject: swaks pipelined tls", "--body", "from swaks", "--timeout", "20");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("250 2.0.0 Ok: queued as");
        assertThat(lastMessage("alice@example.test")).contains("swaks pipelined tls").contains("with ESMTPS");
    }

    @Test
    void angusMailWithStartTlsRequired() throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", port());
        props.put("mail.smtp.starttls.enable", "true");
        props.put("mail.smtp.starttls.required", "true");
        props.put("mail.smtp.ssl.trust", "*");
        props.put("mail.smtp.localhost", "angus.test");
        props.put("mail.smtp.timeout", "10000");
        MimeMessage m = new MimeMessage(Session.getInstance(props));
        m.setFrom(new InternetAddress("angus@elsewhere.test"));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@example.test"));
        m.setSubject("angus over tls");
        m.setText("hello");
        Transport.send(m);
        assertThat(lastMessage("bob@example.test")).contains("angus over tls").contains("with ESMTPS");
    }
}
