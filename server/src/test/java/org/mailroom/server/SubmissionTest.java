package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.MailQueue;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.MessageRecord;

/** The MSA (RFC 6409) on 587 with STARTTLS and 465 with implicit TLS, with real clients. */
class SubmissionTest {

    @TempDir
    static Path data;
    @TempDir
    static Path plainData;
    static TestServer server;
    /** A second server that allows AUTH without TLS and hides clients' addresses, for the refusal transcripts. */
    static TestServer plain;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start(data);
        plain = TestServer.start(plainData, Map.of("smtp.submission_plaintext_auth", "true",
                "smtp.submission_hide_client", "true"));
    }

    @AfterAll
    static void stop() {
        server.close();
        plain.close();
    }

    private static String lastMessage(String account) throws IOException {
        MailStore store = server.server.storage().mailStore();
        List<MessageRecord> messages = store.messages(store.mailbox(account, "INBOX").orElseThrow().id());
        try (var in = server.server.storage().blobStore().open(messages.get(messages.size() - 1).blobId())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }


    private static void angus(int port, boolean implicitTls, String mechanism, String subject) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(port));
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.auth.mechanisms", mechanism);
        if (implicitTls) {
            props.put("mail.smtp.ssl.enable", "true");
        } else {
            props.put("mail.smtp.starttls.enable", "true");
            props.put("mail.smtp.starttls.required", "true");
        }
        props.put("mail.smtp.ssl.trust", "*");
        props.put("mail.smtp.timeout", "10000");
        Session session = Session.getInstance(props);
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("alice@example.test"));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@example.test"));
        m.setSubject(subject);
        m.setText("sent by Angus Mail");
        Transport.send(m, "alice@example.test", TestServer.PASSWORD);
    }

    @Test
    void angusMailOver587WithStartTlsAndAuthPlainAndLogin() throws Exception {
        angus(server.submission().getPort(), false, "PLAIN", "angus plain 587");
        assertThat(lastMessage("bob@example.test")).contains("angus plain 587").contains("with ESMTPSA");
        angus(server.submission().getPort(), false, "LOGIN", "angus login 587");
        assertThat(lastMessage("bob@example.test")).contains("angus login 587");
    }

    @Test
    void angusMailOver465WithImplicitTls() throws Exception {
        angus(server.submissions().getPort(), true, "PLAIN", "angus 465");
        assertThat(lastMessage("bob@example.test")).contains("angus 465").contains("with ESMTPSA")
                .contains("(using TLSv1.3");
    }

    @Test
    void pythonSmtplibOn587And465AndMessageIdAndDateAreAdded() throws Exception {
        Path script = Path.of(SubmissionTest.class.getResource("/interop/submission.py").toURI());
        String out = Programs.run(null, "python3", script.toString(), "127.0.0.1", String.valueOf(server.submission().getPort()),
                String.valueOf(server.submissions().getPort()), "alice@example.test", TestServer.PASSWORD,
                "bob@example.test");
        assertThat(out).contains("587 ok").contains("465 ok");
        String stored = lastMessage("bob@example.test");
        assertThat(stored).contains("Subject: via 465").containsPattern("\r\nMessage-ID: <[^>]+@mx\\.example\\.test>\r\n")
                .containsPattern("\r\nDate: \\w{3}, \\d{1,2} \\w{3} \\d{4} ");
    }

    @Test
    void curlOn587WithSslReqdAnd465WithSmtps() throws Exception {
        Path message = Files.writeString(data.resolve("curl.eml"),
                "From: alice@example.test\r\nSubject: curl submission\r\nMessage-ID: <mine@client.test>\r\n\r\nhi\r\n");
        Programs.run(null, "curl", "-sS", "--max-time", "20", "--ssl-reqd", "-k", "smtp://127.0.0.1:" + server.submission().getPort(),
                "--user", "alice@example.test:" + TestServer.PASSWORD, "--mail-from", "alice@example.test",
                "--mail-rcpt", "bob@example.test", "--upload-file", message.toString());
        String stored = lastMessage("bob@example.test");
        assertThat(stored).contains("curl submission").contains("Message-ID: <mine@client.test>");
        assertThat(stored.split("Message-ID:", -1)).as("no second Message-ID when one is there").hasSize(2);
        Programs.run(null, "curl", "-sS", "--max-time", "20", "-k", "smtps://127.0.0.1:" + server.submissions().getPort(),
                "--user", "alice@example.test:" + TestServer.PASSWORD, "--mail-from", "alice@example.test",
                "--mail-rcpt", "bob@example.test", "--upload-file", message.toString());
    }

    @Test
    void swaksWithAuthPlainAndLogin() throws Exception {
        for (String mechanism : new String[] {"PLAIN", "LOGIN"}) {
            String out = Programs.run(null, "swaks", "--server", "127.0.0.1:" + server.submission().getPort(), "--tls",
                    "--auth", mechanism, "--auth-user", "alice@example.test", "--auth-password", TestServer.PASSWORD,
                    "--from", "alice@example.test", "--to", "bob@example.test",
                    "--header", "Subject: swaks " + mechanism, "--timeout", "20");
            assertThat(out).contains("235 2.7.0").contains("250 2.0.0 Ok: queued as");
            assertThat(lastMessage("bob@example.test")).contains("swaks " + mechanism);
        }
        String implicit = Programs.run(null, "swaks", "--server", "127.0.0.1:" + server.submissions().getPort(), "--tlsc",
                "--auth", "PLAIN", "--auth-user", "alice@example.test", "--auth-password", TestServer.PASSWORD,
                "--from", "alice@example.test", "--to", "bob@example.test", "--timeout", "20");
        assertThat(implicit).contains("235 2.7.0");
    }

    @Test
    void scramSha256AgainstAnIndependentClient() throws Exception {
        Path script = Path.of(SubmissionTest.class.getResource("/interop/scram_smtp.py").toURI());
        assertThat(Programs.run(null, "python3", script.toString(), "127.0.0.1", String.valueOf(server.submission().getPort()),
                "alice@example.test", TestServer.PASSWORD)).contains("scram ok");
        assertThat(lastMessage("alice@example.test")).contains("authenticated with SCRAM-SHA-256");
        assertThat(Programs.run(null, "python3", script.toString(), "127.0.0.1", String.valueOf(server.submission().getPort()),
                "alice@example.test", "not-the-password")).contains("scram refused 535");
    }

    @Test
    void authenticatedUsersMayRelayToOtherDomains() throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(server.submission().getPort()));
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.starttls.enable", "true");
        props.put("mail.smtp.starttls.required", "true");
        props.put("mail.smtp.ssl.trust", "*");
        MimeMessage m = new MimeMessage(Session.getInstance(props));
        m.setFrom(new InternetAddress("alice@example.test"));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress("carol@faraway.test"));
        m.setSubject("to the world");
        m.setText("queued for the outbound MTA");
        Transport.send(m, "alice@example.test", TestServer.PASSWORD);
        List<MailQueue.Entry> queued = server.server.storage().mailQueue().list();
        assertThat(queued).anySatisfy(e -> {
            assertThat(e.sender()).isEqualTo("alice@example.test");
            assertThat(e.recipients()).extracting(MailQueue.Recipient::address).containsExactly("carol@faraway.test");
        });
    }

    @Test
    void authBeforeTlsIsRefusedAndNotAnnounced() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.submission().getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("220");
            out.write("EHLO early.test\r\n".getBytes(StandardCharsets.US_ASCII));
            StringBuilder ehlo = new StringBuilder();
            String line;
            do {
                line = in.readLine();
                ehlo.append(line).append('\n');
            } while (line.charAt(3) == '-');
            assertThat(ehlo.toString()).contains("STARTTLS").doesNotContain("AUTH");
            out.write("AUTH PLAIN AGFsaWNlQGV4YW1wbGUudGVzdABzZWNyZXQ=\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("538 5.7.11");
            out.write("MAIL FROM:<alice@example.test>\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("530 5.7.0");
        }
    }

    @Test
    void refusalTranscripts() throws Exception {
        Path dir = Path.of(SubmissionTest.class.getResource("/transcripts/submission").toURI());
        int played = 0;
        try (var files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                Transcript.parse(file.getFileName().toString(), Files.readString(file)).play(plain.submission());
                played++;
            }
        }
        assertThat(played).isEqualTo(2);
        // The honest message of spoofing.txt: Received names the client's HELO but not its address.
        MailStore store = plain.server.storage().mailStore();
        List<MessageRecord> bob = store.messages(store.mailbox("bob@example.test", "INBOX").orElseThrow().id());
        try (var in = plain.server.storage().blobStore().open(bob.get(bob.size() - 1).blobId())) {
            String stored = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(stored).contains("Received: from client.test\r\n").contains("with ESMTPA")
                    .doesNotContain("127.0.0.1");
        }
    }
}
