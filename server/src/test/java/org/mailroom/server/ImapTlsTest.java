package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IMAP with STARTTLS on the plain port (RFC 9051 section 6.2.1) and implicit TLS on the IMAPS port (RFC 8314),
 * with openssl, python3 imaplib (including SCRAM-SHA-256 and -PLUS written from the RFCs), curl and Angus Mail.
 */
class ImapTlsTest {

    static final String ALICE = "alice@example.test";

    @TempDir
    static Path data;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(data);
        try (Socket s = new Socket("127.0.0.1", server.smtp().getPort())) {
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            in.readLine();
            for (String command : List.of("HELO tls.test", "MAIL FROM:<a@elsewhere.test>", "RCPT TO:<" + ALICE + ">", "DATA")) {
                out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
                in.readLine();
            }
            out.write("Subject: for tls\r\n\r\nread me over TLS\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("250");
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }


    @Test
    void opensslStartTlsImapAndImapsNegotiateTls13() throws Exception {
        String starttls = Programs.run("a LOGOUT\n", "openssl", "s_client", "-ign_eof", "-crlf", "-starttls", "imap",
                "-connect", "127.0.0.1:" + server.imap().getPort(), "-tls1_3");
        assertThat(starttls).contains("TLSv1.3").contains("a OK LOGOUT completed");
        String implicit = Programs.run("a CAPABILITY\na LOGOUT\n", "openssl", "s_client", "-ign_eof", "-crlf",
                "-connect", "127.0.0.1:" + server.imaps().getPort(), "-tls1_3");
        // The greeting comes after the handshake, so it can already offer the channel-bound mechanism.
        String greeting = implicit.lines().filter(l -> l.startsWith("* OK [CAPABILITY")).findFirst().orElseThrow();
        assertThat(implicit).contains("TLSv1.3");
        assertThat(greeting).contains("AUTH=SCRAM-SHA-256-PLUS").contains("AUTH=PLAIN").doesNotContain("STARTTLS");
    }

    @Test
    void pythonImaplibStartTlsImapsAndScram() throws Exception {
        Path script = Path.of(ImapTlsTest.class.getResource("/interop/imap_tls.py").toURI());
        String out = Programs.run("", "python3", script.toString(), "127.0.0.1", String.valueOf(server.imap().getPort()),
                String.valueOf(server.imaps().getPort()), ALICE, TestServer.PASSWORD);
        assertThat(out).contains("starttls ok TLSv1.3").contains("imaps ok TLSv1.3").contains("scram ok Logged in")
                .contains("scram-plus ok");
    }

    @Test
    void curlWithSslReqdAndImaps() throws Exception {
        String user = "alice%40example.test:" + TestServer.PASSWORD;
        assertThat(Programs.run("", "curl", "-sS", "--max-time", "20", "--ssl-reqd", "-k",
                "imap://" + user + "@127.0.0.1:" + server.imap().getPort() + "/INBOX;MAILINDEX=1"))
                .contains("read me over TLS");
        assertThat(Programs.run("", "curl", "-sS", "--max-time", "20", "-k",
                "imaps://" + user + "@127.0.0.1:" + server.imaps().getPort() + "/INBOX;MAILINDEX=1"))
                .contains("read me over TLS");
    }

    @Test
    void angusMailWithStartTlsRequiredAndImaps() throws Exception {
        Properties props = new Properties();
        props.put("mail.imap.host", "127.0.0.1");
        props.put("mail.imap.port", String.valueOf(server.imap().getPort()));
        props.put("mail.imap.starttls.enable", "true");
        props.put("mail.imap.starttls.required", "true");
        props.put("mail.imap.ssl.trust", "*");
        props.put("mail.imap.timeout", "10000");
        props.put("mail.imaps.host", "127.0.0.1");
        props.put("mail.imaps.port", String.valueOf(server.imaps().getPort()));
        props.put("mail.imaps.ssl.trust", "*");
        props.put("mail.imaps.timeout", "10000");
        Session mail = Session.getInstance(props);
        List<String> subjects = new ArrayList<>();
        for (String protocol : List.of("imap", "imaps")) {
            Store store = mail.getStore(protocol);
            store.connect(ALICE, TestServer.PASSWORD);
            try {
                // Capabilities are asked again after STARTTLS: STARTTLS is no longer among them.
                assertThat(((org.eclipse.angus.mail.imap.IMAPStore) store).hasCapability("STARTTLS")).isFalse();
                Folder inbox = store.getFolder("INBOX");
                inbox.open(Folder.READ_ONLY);
                subjects.add(inbox.getMessage(1).getSubject());
                inbox.close(false);
            } finally {
                store.close();
            }
        }
        assertThat(subjects).containsExactly("for tls", "for tls");
    }

    @Test
    void commandsSentWithStartTlsAreNeverObeyed() throws Exception {
        try (ImapLine imap = new ImapLine(server.imap().getPort())) {
            assertThat(imap.read()).startsWith("* OK");
            imap.send("a STARTTLS\r\nb LOGIN " + ALICE + " " + TestServer.PASSWORD + "\r\n");
            List<String> lines = new ArrayList<>();
            String line;
            while ((line = imap.read()) != null) lines.add(line);
            // Closed without a reply to either command (the injection check runs before the OK is written).
            assertThat(lines).noneMatch(l -> l.startsWith("b ")).noneMatch(l -> l.startsWith("a OK"));
        }
    }

    @Test
    void starTlsRefusedUnderTlsAndAfterLoginThenDecodingGoesOn() throws Exception {
        try (ImapLine imap = ImapLine.tls(server.imaps().getPort())) {
            assertThat(imap.read()).startsWith("* OK [CAPABILITY").doesNotContain("STARTTLS");
            imap.send("a STARTTLS\r\nb NOOP\r\n");
            assertThat(imap.read()).isEqualTo("a BAD TLS is already active");
            assertThat(imap.read()).startsWith("b OK");
        }
        try (ImapLine imap = new ImapLine(server.imap().getPort())) {
            imap.read();
            imap.send("a LOGIN " + ALICE + " " + TestServer.PASSWORD + "\r\n");
            assertThat(imap.readUntil("a ")).contains("a OK");
            imap.send("b STARTTLS\r\nc NOOP\r\n");
            assertThat(imap.read()).startsWith("b BAD STARTTLS is not valid in the AUTHENTICATED state");
            assertThat(imap.read()).startsWith("c OK");
        }
    }
}
