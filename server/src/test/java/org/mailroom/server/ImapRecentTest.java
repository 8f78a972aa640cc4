package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.MailStore;

/**
 * \Recent (RFC 3501 section 2.3.2) in IMAP4rev1 sessions, with two real clients: the first session to select a
 * mailbox after new mail came sees it as recent, later sessions do not, EXAMINE claims nothing, IMAP4rev2 never
 * sees it. python3's imaplib plays the whole story (interop/imap_recent.py); Angus Mail checks what a Java client
 * reads from it (Message.isSet(RECENT), Folder.getNewMessageCount()).
 */
class ImapRecentTest {

    @TempDir
    Path data;
    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(data);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void imaplibSeesRecentInTheFirstSessionOnly() throws Exception {
        Path script = Path.of(ImapRecentTest.class.getResource("/interop/imap_recent.py").toURI());
        String out = Programs.run(null, List.of("python3", script.toString(), "127.0.0.1",
                String.valueOf(server.imap().getPort()), "alice@example.test", TestServer.PASSWORD));
        assertThat(out).contains("ok: second session: RECENT 0", "ok: rev2: no \\Recent", "python imap recent: done")
                .doesNotContain("FAIL");
    }

    @Test
    void angusMailSeesRecentInTheFirstStoreOnly() throws Exception {
        deliver("Subject: one\r\n\r\nfirst\r\n");
        deliver("Subject: two\r\n\r\nsecond\r\n");
        Properties props = new Properties();
        props.put("mail.imap.host", "127.0.0.1");
        props.put("mail.imap.port", String.valueOf(server.imap().getPort()));
        props.put("mail.imap.timeout", "10000");
        props.put("mail.imap.connectiontimeout", "10000");
        Session mail = Session.getInstance(props);
        try (Store first = mail.getStore("imap"); Store second = mail.getStore("imap")) {
            first.connect("alice@example.test", TestServer.PASSWORD);
            second.connect("alice@example.test", TestServer.PASSWORD);
            Folder a = first.getFolder("INBOX");
            a.open(Folder.READ_WRITE);
            assertThat(a.getNewMessageCount()).isEqualTo(2);
            for (Message m : a.getMessages()) assertThat(m.isSet(Flags.Flag.RECENT)).isTrue();

            Folder b = second.getFolder("INBOX");
            b.open(Folder.READ_WRITE);
            assertThat(b.getMessageCount()).isEqualTo(2);
            assertThat(b.getNewMessageCount()).isZero();
            for (Message m : b.getMessages()) assertThat(m.isSet(Flags.Flag.RECENT)).isFalse();
            a.close(false);
            b.close(false);
        }
    }

    private void deliver(String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        String blob;
        try (var writer = server.server.storage().blobStore().create()) {
            writer.write(bytes);
            blob = writer.commit();
        }
        server.server.storage().mailStore().deliver(new MailStore.NewMessage(blob, bytes.length, Instant.now()),
                List.of(MailStore.Target.inbox("alice@example.test")));
    }
}
