package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.MailStore;

/**
 * The per-account storage quota ({@code limits.mailbox_quota}, here 2 KiB): IMAP QUOTA (RFC 9208) as a transcript,
 * and SMTP delivery to full and nearly full mailboxes through python3's smtplib.
 */
class ImapQuotaTest {

    @TempDir
    static Path data;
    static TestServer server;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start(data, Map.of("limits.mailbox_quota", "\"2KiB\""));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static MailStore store() {
        return server.server.storage().mailStore();
    }

    private static String account(String name, int storedBytes) throws IOException {
        String address = name + "@example.test";
        server.server.storage().directory().addAccount(address, TestServer.PASSWORD.toCharArray());
        if (storedBytes > 0) {
            byte[] bytes = ("Subject: filler\r\n\r\n" + "x".repeat(storedBytes - 21) + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            assertThat(bytes).hasSize(storedBytes);
            String blob;
            try (var writer = server.server.storage().blobStore().create()) {
                writer.write(bytes);
                blob = writer.commit();
            }
            store().deliver(new MailStore.NewMessage(blob, bytes.length, Instant.now()),
                    List.of(MailStore.Target.inbox(address)));
        }
        return address;
    }

    @Test
    void imapShowsTheQuotaAndRefusesAppendAndCopyBeyondIt() throws Exception {
        account("quota", 2030);
        Path file = Path.of(ImapQuotaTest.class.getResource("/transcripts/imap-quota/quota.txt").toURI());
        int checked = Transcript.parse("quota.txt", Files.readString(file, StandardCharsets.UTF_8)).play(server.imap());
        assertThat(checked).isGreaterThan(30);
        assertThat(store().usage("quota@example.test")).isEqualTo(32);
    }

    @Test
    void smtpRefusesAFullRecipientAtRcptAndAMessageThatDoesNotFitAtData() throws Exception {
        String full = account("full", 2048);
        String roomy = account("roomy", 0);
        String nearly = account("nearly", 1000);
        Path script = Path.of(ImapQuotaTest.class.getResource("/interop/quota_smtp.py").toURI());
        String out = Programs.run(null, List.of("python3", script.toString(), "127.0.0.1",
                String.valueOf(server.smtp().getPort())));

        assertThat(out).contains("rcpt refused: 452 4.2.2 <full@example.test>: Mailbox full")
                .contains("data refused: 452 4.2.2 Error: mailbox full")
                .contains("python quota smtp: done").doesNotContain("FAIL");
        assertThat(store().usage(full)).as("nothing more for the full mailbox").isEqualTo(2048);
        assertThat(store().messages(store().mailbox(roomy, "INBOX").orElseThrow().id())).hasSize(1);
        assertThat(store().messages(store().mailbox(nearly, "INBOX").orElseThrow().id()))
                .as("the filler and the small message, not the large one").hasSize(2);
    }

    /**
     * Accounts' own limits from the directory (what {@code ./mailroom user quota} sets) beat the default: GETQUOTA
     * and GETQUOTAROOT show each its own, APPEND and RCPT TO check it, SETQUOTA is refused. imaplib and smtplib.
     */
    @Test
    void eachAccountsOwnLimitIsShownAndEnforced() throws Exception {
        var directory = server.server.storage().directory();
        directory.setQuota(account("big", 3000), java.util.OptionalLong.of(1L << 20));
        directory.setQuota(account("small", 0), java.util.OptionalLong.of(1024));
        directory.setQuota(account("free", 3000), java.util.OptionalLong.of(0));
        directory.setQuota(account("tiny", 200), java.util.OptionalLong.of(100));
        Path script = Path.of(ImapQuotaTest.class.getResource("/interop/quota_imap.py").toURI());
        String out = Programs.run(null, List.of("python3", script.toString(), "127.0.0.1",
                String.valueOf(server.imap().getPort()), String.valueOf(server.smtp().getPort()), TestServer.PASSWORD));
        assertThat(out).contains("ok: big: GETQUOTA shows its own limit", "ok: smtp: RCPT refused by the account's own limit",
                "python quota imap: done").doesNotContain("FAIL");
        assertThat(store().usage("big@example.test")).isGreaterThan(2048);
    }
}
