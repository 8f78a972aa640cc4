package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.Mailbox;
import org.mailroom.core.store.MessageRecord;

/**
 * Other people's IMAP clients against our server: python3's imaplib, curl (imap://) and mbsync (Debian package
 * isync) syncing a mailbox both ways. Each test has its own account.
 */
class ImapInteropTest {

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

    private static String account(String name) throws IOException {
        String address = name + "@example.test";
        server.server.storage().directory().addAccount(address, TestServer.PASSWORD.toCharArray());
        return address;
    }

    private static String port() {
        return String.valueOf(server.imap().getPort());
    }

    @Test
    void pythonImaplib() throws Exception {
        String user = account("python");
        Path script = Path.of(ImapInteropTest.class.getResource("/interop/imap.py").toURI());
        String out = Programs.run(null, List.of("python3", script.toString(), "127.0.0.1", port(), user,
                TestServer.PASSWORD));
        assertThat(out).contains("python imap interop: all checks passed").doesNotContain("FAIL");
    }

    @Test
    void curlAppendsListsSearchesAndFetches() throws Exception {
        String user = account("curl");
        String base = "imap://curl%40example.test:" + TestServer.PASSWORD + "@127.0.0.1:" + port();
        String message = "From: curl@example.test\r\nSubject: via curl\r\n\r\nSent by curl.\r\n";
        Path upload = Files.writeString(data.resolve("curl-upload.eml"), message, StandardCharsets.UTF_8);
        Programs.run(null, List.of("curl", "-sS", "--max-time", "20", base + "/INBOX", "-T", upload.toString()));
        String list = Programs.run(null, List.of("curl", "-sS", "--max-time", "20", base + "/"));
        assertThat(list).contains("* LIST (\\HasNoChildren) \"/\" \"INBOX\"").contains("\\Trash");
        String search = Programs.run(null, List.of("curl", "-sS", "--max-time", "20", base + "/INBOX?SUBJECT%20curl"));
        assertThat(search.trim()).isEqualTo("* SEARCH 1");
        String fetched = Programs.run(null, List.of("curl", "-sS", "--max-time", "20", base + "/INBOX;UID=1"));
        assertThat(fetched).isEqualTo(message);
        String examine = Programs.run(null, List.of("curl", "-sS", "--max-time", "20", base,
                "-X", "EXAMINE INBOX"));
        assertThat(examine).contains("* 1 EXISTS").contains("UIDNEXT 2");
        MailStore store = server.server.storage().mailStore();
        Mailbox inbox = store.mailbox(user, "INBOX").orElseThrow();
        assertThat(store.messages(inbox.id())).extracting(MessageRecord::flags)
                .as("curl fetches with BODY[], which sets \\Seen").containsExactly(java.util.Set.of("\\Seen"));
    }

    @Test
    void mbsyncSyncsBothWays() throws Exception {
        String user = account("mbsync");
        MailStore store = server.server.storage().mailStore();
        Path home = Files.createDirectories(data.resolve("mbsync-home"));
        Path maildir = Files.createDirectories(home.resolve("Mail"));
        Path config = home.resolve("mbsyncrc");
        Files.writeString(config, String.join("\n",
                "IMAPAccount test",
                "Host 127.0.0.1",
                "Port " + port(),
                "User " + user,
                "Pass " + TestServer.PASSWORD,
                "SSLType None",
                "AuthMechs LOGIN",
                "",
                "IMAPStore remote",
                "Account test",
                "",
                "MaildirStore local",
                "Path " + maildir + "/",
                "Inbox " + maildir.resolve("INBOX"),
                "SubFolders Verbatim",
                "",
                "Channel sync",
                "Far :remote:",
                "Near :local:",
                "Patterns *",
                "Create Both",
                "Expunge Both",
                "SyncState *",
                ""), StandardCharsets.UTF_8);

        // Two messages on the server, one of them flagged.
        deliver(store, user, "INBOX", "Subject: one\r\n\r\nfirst\r\n", java.util.Set.of());
        deliver(store, user, "INBOX", "Subject: two\r\n\r\nsecond\r\n", java.util.Set.of("\\Flagged"));
        mbsync(config);
        List<Path> local = inbox(maildir);
        assertThat(local).hasSize(2).anySatisfy(f -> assertThat(f.getFileName().toString()).endsWith(",F"));
        assertThat(Files.isDirectory(maildir.resolve("Trash/cur"))).as("special-use folders came down").isTrue();

        // A message written locally goes up; a message marked seen and deleted locally is expunged on the server.
        Path newMail = maildir.resolve("INBOX/new/1767225600.local.test");
        Files.writeString(newMail, "Subject: three\r\n\r\nfrom the laptop\r\n", StandardCharsets.UTF_8);
        Path first = local.stream().filter(f -> !f.getFileName().toString().endsWith(",F")).findFirst().orElseThrow();
        String base = first.getFileName().toString().replaceAll(":2,.*$", "");
        Files.move(first, maildir.resolve("INBOX/cur").resolve(base + ":2,ST"));
        mbsync(config);

        Mailbox inbox = store.mailbox(user, "INBOX").orElseThrow();
        List<MessageRecord> onServer = store.messages(inbox.id());
        assertThat(onServer).hasSize(2);
        assertThat(onServer).extracting(MessageRecord::uid).containsExactly(2L, 3L);
        assertThat(subjects(onServer)).containsExactly("Subject: two", "Subject: three");
        assertThat(inbox(maildir)).hasSize(2);
    }

    private static void mbsync(Path config) throws Exception {
        String out = Programs.run(null, List.of("mbsync", "-V", "-c", config.toString(), "-a"));
        if (Boolean.getBoolean("imap.debug")) System.out.println(out);
    }

    private static void deliver(MailStore store, String user, String mailbox, String text, java.util.Set<String> flags)
            throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        String blob;
        try (var writer = server.server.storage().blobStore().create()) {
            writer.write(bytes);
            blob = writer.commit();
        }
        store.deliver(new MailStore.NewMessage(blob, bytes.length, java.time.Instant.now()),
                List.of(new MailStore.Target(user, mailbox, flags)));
    }

    private static List<String> subjects(List<MessageRecord> records) throws IOException {
        List<String> subjects = new java.util.ArrayList<>();
        for (MessageRecord r : records) {
            try (var in = server.server.storage().blobStore().open(r.blobId())) {
                subjects.add(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse(""));
            }
        }
        return subjects;
    }

    /** The messages of the local INBOX, in new/ (unread, as mbsync stores them) and cur/. */
    private static List<Path> inbox(Path maildir) throws IOException {
        List<Path> all = new java.util.ArrayList<>(files(maildir.resolve("INBOX/new")));
        all.addAll(files(maildir.resolve("INBOX/cur")));
        return all;
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
