package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.search.AndTerm;
import jakarta.mail.search.FlagTerm;
import jakarta.mail.search.FromStringTerm;
import jakarta.mail.search.SubjectTerm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Angus Mail, the IMAP client Java applications use, against the real server: mail sent by SMTP, read by IMAP. */
class ImapAngusMailTest {

    @TempDir
    Path data;
    TestServer server;
    Session mail;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(data);
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(server.smtp().getPort()));
        props.put("mail.smtp.localhost", "client.test");
        props.put("mail.imap.host", "127.0.0.1");
        props.put("mail.imap.port", String.valueOf(server.imap().getPort()));
        props.put("mail.imap.timeout", "10000");
        props.put("mail.imap.connectiontimeout", "10000");
        mail = Session.getInstance(props);
        mail.setDebug(Boolean.getBoolean("imap.debug"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void send(String subject, String text, boolean withAttachment) throws Exception {
        MimeMessage m = new MimeMessage(mail);
        m.setFrom(new InternetAddress("bob@example.test", "Bob Example"));
        m.addRecipient(Message.RecipientType.TO, new InternetAddress("alice@example.test"));
        m.setSubject(subject);
        if (withAttachment) {
            MimeBodyPart body = new MimeBodyPart();
            body.setText(text);
            MimeBodyPart file = new MimeBodyPart();
            file.setContent("a,b\n1,2\n", "text/csv");
            file.setFileName("numbers.csv");
            file.setDisposition(Part.ATTACHMENT);
            m.setContent(new MimeMultipart(body, file));
        } else {
            m.setText(text);
        }
        Transport.send(m);
    }

    private IMAPStore connect() throws Exception {
        IMAPStore store = (IMAPStore) mail.getStore("imap");
        store.connect("alice@example.test", TestServer.PASSWORD);
        return store;
    }

    @Test
    void foldersFetchFlagsSearchCopyMoveAppendAndExpunge() throws Exception {
        send("plain hello", "Hi Alice!", false);
        send("report with attachment", "See the numbers.", true);

        IMAPStore store = connect();
        try {
            assertThat(store.hasCapability("MOVE")).isTrue();
            assertThat(store.hasCapability("UIDPLUS")).isTrue();
            List<String> names = new ArrayList<>();
            for (Folder f : store.getDefaultFolder().list("*")) names.add(f.getFullName());
            assertThat(names).contains("INBOX", "Drafts", "Sent", "Trash", "Junk", "Archive");
            Folder sent = store.getFolder("Sent");
            assertThat(((IMAPFolder) sent).getAttributes()).contains("\\Sent");

            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            assertThat(inbox.getMessageCount()).isEqualTo(2);
            Message[] messages = inbox.getMessages();
            assertThat(messages[0].getSubject()).isEqualTo("plain hello");
            assertThat(((InternetAddress) messages[0].getFrom()[0]).getPersonal()).isEqualTo("Bob Example");
            assertThat(messages[0].getContent().toString().trim()).isEqualTo("Hi Alice!");
            Multipart parts = (Multipart) messages[1].getContent();
            assertThat(parts.getCount()).isEqualTo(2);
            assertThat(parts.getBodyPart(0).getContent().toString().trim()).isEqualTo("See the numbers.");
            assertThat(parts.getBodyPart(1).getFileName()).isEqualTo("numbers.csv");
            assertThat(new String(parts.getBodyPart(1).getInputStream().readAllBytes()).replace("\r\n", "\n"))
                    .isEqualTo("a,b\n1,2\n");
            assertThat(messages[0].isSet(Flags.Flag.SEEN)).as("reading the body set \\Seen").isTrue();

            messages[1].setFlag(Flags.Flag.FLAGGED, true);
            Flags keyword = new Flags("$Important");
            messages[1].setFlags(keyword, true);
            assertThat(inbox.search(new FlagTerm(new Flags(Flags.Flag.FLAGGED), true))).extracting(Message::getSubject)
                    .containsExactly("report with attachment");
            assertThat(inbox.search(new AndTerm(new SubjectTerm("HELLO"), new FromStringTerm("bob@example.test"))))
                    .extracting(Message::getSubject).containsExactly("plain hello");
            assertThat(inbox.search(new FlagTerm(keyword, true))).hasSize(1);

            Folder projects = store.getFolder("Projects");
            assertThat(projects.create(Folder.HOLDS_MESSAGES)).isTrue();
            inbox.copyMessages(new Message[] {messages[0]}, projects);
            assertThat(projects.getMessageCount()).isEqualTo(1);

            IMAPFolder trash = (IMAPFolder) store.getFolder("Trash");
            inbox.moveMessages(new Message[] {messages[1]}, trash);
            // Angus marks a message expunged by the server's EXPUNGE; its count follows at the next expunge().
            assertThat(messages[1].isExpunged()).isTrue();
            assertThat(trash.getMessageCount()).isEqualTo(1);

            IMAPFolder drafts = (IMAPFolder) store.getFolder("Drafts");
            MimeMessage draft = new MimeMessage(mail);
            draft.setSubject("unfinished");
            draft.setText("to be continued");
            draft.setFlag(Flags.Flag.DRAFT, true);
            AppendUID[] appended = drafts.appendUIDMessages(new Message[] {draft});
            assertThat(appended[0].uid).isEqualTo(1);
            drafts.open(Folder.READ_ONLY);
            assertThat(drafts.getMessageByUID(1).getSubject()).isEqualTo("unfinished");
            assertThat(drafts.getMessageByUID(1).isSet(Flags.Flag.DRAFT)).isTrue();
            assertThat(drafts.getUIDValidity()).isEqualTo(appended[0].uidvalidity);
            drafts.close(false);

            inbox.getMessage(1).setFlag(Flags.Flag.DELETED, true);
            inbox.expunge();
            assertThat(inbox.getMessageCount()).isZero();
            inbox.close(false);
        } finally {
            store.close();
        }
    }

    @Test
    void idleSeesNewMailWithinASecond() throws Exception {
        IMAPStore store = connect();
        ExecutorService idler = Executors.newSingleThreadExecutor();
        try {
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            List<Integer> counts = new CopyOnWriteArrayList<>();
            inbox.addMessageCountListener(new jakarta.mail.event.MessageCountAdapter() {
                @Override
                public void messagesAdded(jakarta.mail.event.MessageCountEvent e) {
                    counts.add(e.getMessages().length);
                }
            });
            Future<?> idling = idler.submit(() -> {
                inbox.idle(true);
                return null;
            });
            // IDLE is under way once the server has sent "+ idling"; a delivery before that is seen by the sync too.
            send("while idling", "wake up", false);
            long delivered = System.nanoTime();
            await().atMost(Duration.ofSeconds(1)).until(() -> !counts.isEmpty());
            assertThat(Duration.ofNanos(System.nanoTime() - delivered)).isLessThan(Duration.ofSeconds(1));
            idling.get(10, TimeUnit.SECONDS);
            assertThat(inbox.getMessageCount()).isEqualTo(1);
            assertThat(inbox.getMessage(1).getSubject()).isEqualTo("while idling");
            assertThat(((UIDFolder) inbox).getUID(inbox.getMessage(1))).isEqualTo(1);
            inbox.close(false);
        } finally {
            idler.shutdownNow();
            store.close();
        }
    }
}
