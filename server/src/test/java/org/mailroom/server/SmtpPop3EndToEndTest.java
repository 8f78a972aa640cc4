package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.MailQueue;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.Mailbox;
import org.mailroom.core.store.MessageRecord;

/** The first path through the flow with a real client library: SMTP in, local delivery, POP3 out. */
class SmtpPop3EndToEndTest {

    @TempDir
    Path data;
    TestServer server;
    Session mail;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(data);
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(server.smtp().getPort()));
        props.put("mail.smtp.localhost", "client.test");
        props.put("mail.pop3.host", "127.0.0.1");
        props.put("mail.pop3.port", String.valueOf(server.pop3().getPort()));
        props.put("mail.smtp.timeout", "10000");
        props.put("mail.pop3.timeout", "10000");
        mail = Session.getInstance(props);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void send(String from, String subject, String body, String... to) throws MessagingException {
        MimeMessage m = new MimeMessage(mail);
        m.setFrom(new InternetAddress(from));
        for (String rcpt : to) m.addRecipient(Message.RecipientType.TO, new InternetAddress(rcpt));
        m.setSubject(subject);
        m.setText(body);
        Transport.send(m);
    }

    /** Subjects in alice's (or another user's) POP3 maildrop. */
    private List<String> subjects(String user) throws Exception {
        Store store = mail.getStore("pop3");
        store.connect(user, TestServer.PASSWORD);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            List<String> subjects = new java.util.ArrayList<>();
            for (Message m : inbox.getMessages()) subjects.add(m.getSubject());
            inbox.close(false);
            return subjects;
        } finally {
            store.close();
        }
    }

    private List<MessageRecord> inbox(String account) throws IOException {
        MailStore store = server.server.storage().mailStore();
        Mailbox box = store.mailbox(account, "INBOX").orElseThrow();
        return store.messages(box.id());
    }

    @Test
    void messageSentWithAngusIsReadBackOverPop3WithTraceHeaders() throws Exception {
        send("carol@elsewhere.test", "Hello Alice", "First line\n.hidden dot line\nLast line\n", "alice@example.test");

        Store store = mail.getStore("pop3");
        store.connect("alice@example.test", TestServer.PASSWORD);
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_ONLY);
        assertThat(inbox.getMessageCount()).isEqualTo(1);
        Message m = inbox.getMessage(1);
        assertThat(m.getSubject()).isEqualTo("Hello Alice");
        assertThat(((String) m.getContent()).replace("\r\n", "\n")).isEqualTo("First line\n.hidden dot line\nLast line\n");
        assertThat(m.getHeader("Return-Path")).containsExactly("<carol@elsewhere.test>");
        assertThat(m.getHeader("Received")[0]).contains("from client.test ([127.0.0.1])")
                .contains("by mx.example.test (Mailroom) with ESMTP id").contains("for <alice@example.test>");
        inbox.close(false);
        store.close();
    }

    @Test
    void oneStoredCopyServesManyRecipientsAndAliasesAndTags() throws Exception {
        send("carol@elsewhere.test", "To everyone", "hi", "alice@example.test", "bob@example.test",
             "team@example.test", "alice+news@example.test");
        List<MessageRecord> alice = inbox("alice@example.test");
        List<MessageRecord> bob = inbox("bob@example.test");
        // alice is reached three ways (direct, alias, +tag) and bob twice: one copy each.
        assertThat(alice).hasSize(1);
        assertThat(bob).hasSize(1);
        assertThat(alice.get(0).blobId()).isEqualTo(bob.get(0).blobId());
        assertThat(subjects("bob@example.test")).containsExactly("To everyone");
    }

    @Test
    void aliasToAnotherDomainQueuesTheMessageForOutboundDelivery() throws Exception {
        send("carol@elsewhere.test", "Forward me", "hi", "fwd@example.test");
        List<MailQueue.Entry> queued = server.server.storage().mailQueue().list();
        assertThat(queued).hasSize(1);
        assertThat(queued.get(0).recipients()).extracting(MailQueue.Recipient::address)
                .containsExactly("someone@elsewhere.test");
        // SRS: the forwarded copy's reverse path is in the alias's domain, so the next host's SPF check passes.
        assertThat(queued.get(0).sender()).startsWith("SRS0=").endsWith("=elsewhere.test=carol@example.test");
    }

    @Test
    void rawBytesArriveUnchangedAfterTheTraceHeaders() throws Exception {
        String body = "From: <carol@elsewhere.test>\r\nSubject: bytes\r\n\r\n"
                + "tab\there, trailing space \r\n..two dots\r\n\u00e9t\u00e9 in UTF-8\r\n\r\n";
        String stuffed = body.replace("\r\n..", "\r\n...");
        try (Socket s = new Socket("127.0.0.1", server.smtp().getPort())) {
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).startsWith("220");
            out.write("HELO raw.test\r\n".getBytes(StandardCharsets.UTF_8));
            assertThat(in.readLine()).startsWith("250");
            // Without EHLO there is no PIPELINING: one command, one reply.
            out.write("MAIL FROM:<carol@elsewhere.test>\r\n".getBytes(StandardCharsets.UTF_8));
            assertThat(in.readLine()).startsWith("250");
            out.write("RCPT TO:<bob@example.test>\r\n".getBytes(StandardCharsets.UTF_8));
            assertThat(in.readLine()).startsWith("250");
            out.write("DATA\r\n".getBytes(StandardCharsets.UTF_8));
            assertThat(in.readLine()).startsWith("354");
            out.write((stuffed + ".\r\nQUIT\r\n").getBytes(StandardCharsets.UTF_8));
            assertThat(in.readLine()).startsWith("250 2.0.0 Ok: queued as");
            assertThat(in.readLine()).startsWith("221");
        }
        MessageRecord record = inbox("bob@example.test").get(0);
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        try (var in = server.server.storage().blobStore().open(record.blobId())) {
            in.transferTo(stored);
        }
        String text = stored.toString(StandardCharsets.UTF_8);
        assertThat(text).startsWith("Return-Path: <carol@elsewhere.test>\r\nReceived: from raw.test ([127.0.0.1])\r\n");
        assertThat(text).endsWith("\r\n" + body);
        assertThat(record.size()).isEqualTo(stored.size());
    }

    @Test
    void messagesDeletedOverPop3AreGoneFromTheStore() throws Exception {
        send("carol@elsewhere.test", "one", "1", "alice@example.test");
        send("carol@elsewhere.test", "two", "2", "alice@example.test");
        Store store = mail.getStore("pop3");
        store.connect("alice@example.test", TestServer.PASSWORD);
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_WRITE);
        inbox.getMessage(1).setFlag(Flags.Flag.DELETED, true);
        inbox.close(true); // QUIT: the UPDATE state expunges
        store.close();
        assertThat(subjects("alice@example.test")).containsExactly("two");
        assertThat(inbox("alice@example.test")).hasSize(1);
    }

    @Test
    void clientGoneMidDataLeavesNoMessageAndOthersAreServed() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.smtp().getPort())) {
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            in.readLine();
            out.write("EHLO gone.test\r\n".getBytes(StandardCharsets.UTF_8));
            while (!in.readLine().startsWith("250 ")) { /* EHLO lines */ }
            out.write("MAIL FROM:<c@elsewhere.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n"
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(in.readLine()).startsWith("250");
            assertThat(in.readLine()).startsWith("250");
            assertThat(in.readLine()).startsWith("354");
            out.write("Subject: half\r\n\r\nhalf a message".getBytes(StandardCharsets.UTF_8));
            out.flush();
        } // closed without the final dot
        send("carol@elsewhere.test", "after", "still serving", "alice@example.test");
        assertThat(subjects("alice@example.test")).containsExactly("after");
        // No file under blobs/: the message above is small, so its bytes are a row of the database, and the
        // half message's spool (memory, or a file had it been large) is dropped with the connection.
        await().atMost(Duration.ofSeconds(10)).until(() -> countFiles(data.resolve("blobs")) == 0);
    }

    private static long countFiles(Path dir) throws IOException {
        try (var files = java.nio.file.Files.walk(dir)) {
            return files.filter(java.nio.file.Files::isRegularFile).count();
        }
    }
}
