package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.auth.AppPasswords;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.MailQueue;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.MailStore.FlagOp;
import org.mailroom.core.store.MailStore.NewMessage;
import org.mailroom.core.store.MailStore.Target;
import org.mailroom.core.store.Mailbox;
import org.mailroom.core.store.MessageRecord;
import org.mailroom.storage.embedded.EmbeddedStorage;
import org.mailroom.storage.postgres.PostgresStorage;
import org.mailroom.storage.postgres.TestPostgres;
import picocli.CommandLine;

/**
 * {@code mailroom migrate}: a populated embedded store moves into PostgreSQL, and everything a client or the
 * admin has seen comes back the same: UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ, UIDs, flags, bytes, logins.
 */
class PostgresMigrateTest {

    private static final String ALICE = "alice@example.test";

    @RegisterExtension
    static final TestPostgres postgres = new TestPostgres();

    @TempDir
    Path dataDir;

    @Test
    void migrateKeepsUidsFlagsAccountsAndTheQueue() throws Exception {
        char[] appPassword = AppPasswords.generate();
        List<Mailbox> mailboxesBefore;
        List<MessageRecord> inboxBefore;
        List<MessageRecord> archiveBefore;
        List<MailQueue.Entry> queueBefore;
        String scramBefore;
        long sieveVersionBefore;
        try (EmbeddedStorage embedded = EmbeddedStorage.open(dataDir)) {
            Directory d = embedded.directory();
            d.addDomain("example.test");
            d.addAccount(ALICE, "old-secret".toCharArray());
            d.addAccount("bob@example.test", "bob-secret".toCharArray());
            d.addAppPassword(ALICE, "phone", appPassword);
            d.addAlias("team@example.test", ALICE);
            d.addAlias("team@example.test", "bob@example.test");
            // The tables that came later (DKIM keys, quotas, admin tokens) move too.
            d.addDkimKey(SIGNING);
            d.addDkimKey(RETIRED);
            d.setQuota(ALICE, java.util.OptionalLong.of(2L << 30));
            d.addAdminToken("ops", "ab".repeat(32));
            embedded.sieveScripts().put(ALICE, "work", "keep;");
            embedded.sieveScripts().put(ALICE, "away", "discard;");
            embedded.sieveScripts().activate(ALICE, "away");
            embedded.sieveScripts().put("@example.test", org.mailroom.core.store.SieveScripts.BEFORE, "stop;");
            embedded.sieveScripts().seenBefore(ALICE, "vacation bob", java.time.Duration.ofDays(7), Instant.now());
            sieveVersionBefore = embedded.sieveScripts().version(ALICE);
            MailStore store = embedded.mailStore();
            for (int i = 1; i <= 5; i++) {
                store.deliver(message(embedded.blobStore(), "Subject: " + i + "\r\n\r\nbody " + i + "\r\n"),
                        List.of(Target.inbox(ALICE), Target.inbox("bob@example.test")));
            }
            Mailbox inbox = store.mailbox(ALICE, "INBOX").orElseThrow();
            store.updateFlags(inbox.id(), List.of(2L, 4L), FlagOp.ADD, Set.of("\\Seen", "$Work"));
            store.expunge(inbox.id(), List.of(1L, 5L)); // UIDNEXT (6) now differs from max(uid)+1 (5)
            store.createMailbox(ALICE, "Sent", "\\Sent");
            store.createMailbox(ALICE, "Archive");
            store.copy(inbox.id(), List.of(3L), store.mailbox(ALICE, "Archive").orElseThrow().id());
            store.addSubscription(ALICE, "Archive");
            embedded.mailQueue().enqueue(message(embedded.blobStore(), "Subject: out\r\n\r\nremote\r\n").blobId(),
                    ALICE, List.of("x@remote.test"), Instant.parse("2026-11-29T12:00:00Z"));

            mailboxesBefore = store.listMailboxes(ALICE);
            inboxBefore = store.messages(inbox.id());
            archiveBefore = store.messages(store.mailbox(ALICE, "Archive").orElseThrow().id());
            queueBefore = embedded.mailQueue().list();
            scramBefore = java.util.Arrays.toString(d.scramCredentials(ALICE).orElseThrow().storedKey());
        }

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("migrate", "--from", dataDir.toString(), "--to", postgres.url());
        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("message").contains("migrated");

        try (PostgresStorage pg = PostgresStorage.open(postgres.url(), "", "", dataDir.resolve("tmp"))) {
            MailStore store = pg.mailStore();
            assertThat(store.listMailboxes(ALICE)).as("ids, UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ, counts")
                    .containsExactlyElementsOf(mailboxesBefore);
            Mailbox inbox = store.mailbox(ALICE, "INBOX").orElseThrow();
            assertThat(store.messages(inbox.id())).containsExactlyElementsOf(inboxBefore);
            assertThat(store.messages(inbox.id())).extracting(MessageRecord::uid).containsExactly(2L, 3L, 4L);
            assertThat(store.messages(store.mailbox(ALICE, "Archive").orElseThrow().id()))
                    .containsExactlyElementsOf(archiveBefore);
            assertThat(store.expungedSince(inbox.id(), 0)).containsExactly(1L, 5L);
            assertThat(store.specialUses(ALICE)).containsEntry("Sent", "\\Sent");
            assertThat(store.subscriptions(ALICE)).containsExactly("Archive");
            try (InputStream in = pg.blobStore().open(inboxBefore.get(0).blobId())) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("Subject: 2\r\n\r\nbody 2\r\n");
            }
            // The next delivery continues the UIDs; a new mailbox gets a new UIDVALIDITY and id.
            assertThat(store.deliver(message(pg.blobStore(), "new"), List.of(Target.inbox(ALICE))).get(0).uid())
                    .isEqualTo(inboxBefore.get(0).uid() + 4);
            Mailbox fresh = store.createMailbox(ALICE, "Fresh");
            assertThat(mailboxesBefore).allSatisfy(m -> {
                assertThat(m.id()).isLessThan(fresh.id());
                assertThat(m.uidValidity()).isLessThan(fresh.uidValidity());
            });

            Directory d = pg.directory();
            assertThat(d.authenticate(ALICE, "old-secret".toCharArray())).contains(ALICE);
            assertThat(d.authenticate(ALICE, appPassword)).contains(ALICE);
            assertThat(d.appPasswords(ALICE)).extracting(Directory.AppPassword::name).containsExactly("phone");
            assertThat(java.util.Arrays.toString(d.scramCredentials(ALICE).orElseThrow().storedKey()))
                    .isEqualTo(scramBefore);
            assertThat(d.lookup(org.mailroom.core.mail.MailAddress.parse("team@example.test")))
                    .isEqualTo(new Directory.Alias(List.of(ALICE, "bob@example.test")));
            assertThat(pg.mailQueue().list()).containsExactlyElementsOf(queueBefore);
            assertThat(d.dkimKeys("example.test")).containsExactly(RETIRED, SIGNING);
            assertThat(d.quota(ALICE)).hasValue(2L << 30);
            assertThat(d.quota("bob@example.test")).isEmpty();
            assertThat(d.adminTokens()).extracting(Directory.AdminToken::name, Directory.AdminToken::digest)
                    .containsExactly(org.assertj.core.api.Assertions.tuple("ops", "ab".repeat(32)));
            // Sieve scripts, the active one, global scripts, vacation marks; versions keep growing.
            var sieve = pg.sieveScripts();
            assertThat(sieve.list(ALICE)).extracting(s -> s.name(), s -> s.active())
                    .containsExactly(org.assertj.core.api.Assertions.tuple("away", true),
                            org.assertj.core.api.Assertions.tuple("work", false));
            assertThat(sieve.active(ALICE).orElseThrow().text()).isEqualTo("discard;");
            assertThat(sieve.get("@example.test", org.mailroom.core.store.SieveScripts.BEFORE)).isPresent();
            assertThat(sieve.seenBefore(ALICE, "vacation bob", java.time.Duration.ofDays(7), Instant.now())).isTrue();
            assertThat(sieve.version(ALICE)).isEqualTo(sieveVersionBefore);
            sieve.put(ALICE, "work", "stop;");
            assertThat(sieve.version(ALICE)).isGreaterThan(sieveVersionBefore);
        }

        // A second run refuses: the database is no longer empty.
        int again = Main.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err))
                .execute("migrate", "--from", dataDir.toString(), "--to", postgres.url());
        assertThat(again).isEqualTo(1);
        assertThat(err.toString()).contains("not empty");
    }

    private static final org.mailroom.core.store.DkimKeyRecord SIGNING = new org.mailroom.core.store.DkimKeyRecord(
            "example.test", "mr20261204r", org.mailroom.core.store.DkimKeyRecord.RSA_SHA256, "UlNBLWtleQ==",
            Instant.parse("2026-12-04T10:00:00Z"), org.mailroom.core.store.DkimKeyRecord.State.ACTIVE, null);
    private static final org.mailroom.core.store.DkimKeyRecord RETIRED = new org.mailroom.core.store.DkimKeyRecord(
            "example.test", "mr20261101r", org.mailroom.core.store.DkimKeyRecord.RSA_SHA256, "b2xkLWtleQ==",
            Instant.parse("2026-11-01T10:00:00Z"), org.mailroom.core.store.DkimKeyRecord.State.RETIRED,
            Instant.parse("2026-12-11T10:00:00Z"));

    private static NewMessage message(BlobStore blobs, String text) throws Exception {
        try (BlobStore.BlobWriter w = blobs.create()) {
            w.write(text.getBytes(StandardCharsets.UTF_8));
            return new NewMessage(w.commit(), text.length(), Instant.parse("2026-11-29T10:00:00.123Z"));
        }
    }
}
