package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Session;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.Mailbox;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.MessageRecord;
import org.mailroom.core.store.SieveScripts;
import org.mailroom.delivery.testing.TestDnsServer;
import org.mailroom.server.admin.StoreOptions;
import org.mailroom.server.config.Config;

/**
 * Sieve at local delivery, end to end: node A (a.test: alice, dave) runs the scripts; node B (b.test: bob,
 * c.test: carol, erin, frank) stands for the rest of the world, reached through A's outbound queue (our DNS
 * server gives both domains' MX as 127.0.0.1, A's outbound port is B's SMTP port). Mail is sent to A over real
 * SMTP sockets; what A stores is read from its store or over IMAP (Angus Mail), what reaches B from B's store.
 */
class SieveDeliveryEndToEndTest {

    @TempDir
    Path dirA;
    @TempDir
    Path dirB;

    TestDnsServer dns;
    Server nodeA;
    Server nodeB;

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start();
        dns.mx("b.test", 10, "mx.b.test").mx("c.test", 10, "mx.b.test").a("mx.b.test", "127.0.0.1");
        nodeB = node(dirB, "mx.b.test", 25, false, Map.of());
        Directory b = nodeB.storage().directory();
        b.addDomain("b.test");
        b.addDomain("c.test");
        for (String user : List.of("bob@b.test", "carol@c.test", "erin@c.test", "frank@c.test")) {
            b.addAccount(user, "secret".toCharArray());
        }
        nodeA = node(dirA, "mx.a.test", nodeB.addresses().get("smtp").getPort(), true, storeOfA());
        Directory a = nodeA.storage().directory();
        a.addDomain("a.test");
        a.addAccount("alice@a.test", "secret".toCharArray());
        a.addAccount("dave@a.test", "secret".toCharArray());
    }

    @AfterEach
    void stop() {
        if (nodeA != null) nodeA.close();
        if (nodeB != null) nodeB.close();
        dns.close();
    }

    /** Node A's store settings: the embedded default here; {@link SieveDeliveryPostgresTest} gives PostgreSQL. */
    Map<String, String> storeOfA() {
        return Map.of();
    }

    private Server node(Path dir, String hostname, int outboundPort, boolean imap, Map<String, String> store)
            throws IOException {
        Map<String, String> o = new HashMap<>();
        o.put("server.hostname", "\"" + hostname + "\"");
        o.put("server.data_dir", StoreOptions.tomlString(dir.toString()));
        o.put("listen.smtp", "\"127.0.0.1:0\"");
        for (String key : new String[] {"pop3", "submission", "submissions", "imaps", "pop3s", "managesieve", "admin"}) {
            o.put("listen." + key, "\"\"");
        }
        o.put("listen.imap", imap ? "\"127.0.0.1:0\"" : "\"\"");
        o.put("auth.verify", "false");
        o.put("dns.servers", "[\"127.0.0.1:" + dns.address().getPort() + "\"]");
        o.put("outbound.port", String.valueOf(outboundPort));
        o.put("outbound.tls_reports", "false");
        o.put("outbound.mta_sts", "false");
        o.put("limits.error_delay", "\"0s\"");
        o.putAll(store);
        return Server.start(Config.load(Optional.empty(), o));
    }

    // ---- the cases ----

    @Test
    void fileintoWithFlagsIsSeenOverImap() throws Exception {
        script("alice@a.test", "require [\"fileinto\", \"imap4flags\", \"mailbox\"];\n"
                + "if header :contains \"subject\" \"report\" {\n"
                + "  fileinto :create :flags [\"\\\\Seen\", \"$Report\"] \"Reports\";\n"
                + "}\n");
        assertThat(send("carol@c.test", "alice@a.test", message("carol@c.test", "alice@a.test", "weekly report", "")))
                .startsWith("250");
        assertThat(send("carol@c.test", "alice@a.test", message("carol@c.test", "alice@a.test", "lunch?", "")))
                .startsWith("250");

        Properties props = new Properties();
        props.put("mail.imap.host", "127.0.0.1");
        props.put("mail.imap.port", String.valueOf(nodeA.addresses().get("imap").getPort()));
        props.put("mail.imap.timeout", "10000");
        IMAPStore imap = (IMAPStore) Session.getInstance(props).getStore("imap");
        imap.connect("alice@a.test", "secret");
        try {
            Folder reports = imap.getFolder("Reports");
            reports.open(Folder.READ_ONLY);
            assertThat(reports.getMessageCount()).isEqualTo(1);
            assertThat(reports.getMessage(1).getSubject()).isEqualTo("weekly report");
            Flags flags = reports.getMessage(1).getFlags();
            assertThat(flags.contains(Flags.Flag.SEEN)).isTrue();
            assertThat(flags.contains("$Report")).isTrue();
            reports.close(false);
            Folder inbox = imap.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessageCount()).isEqualTo(1);
            assertThat(inbox.getMessage(1).getSubject()).isEqualTo("lunch?");
            assertThat(inbox.getMessage(1).getFlags().contains(Flags.Flag.SEEN)).isFalse();
            inbox.close(false);
        } finally {
            imap.close();
        }
    }

    @Test
    void fileintoCreateMakesTheMailboxAndWithoutItTheInboxGetsTheMessage() throws Exception {
        script("alice@a.test", "require [\"fileinto\", \"mailbox\"];\n"
                + "if header :is \"subject\" \"new\" { fileinto :create \"Lists/Fresh\"; }\n"
                + "else { fileinto \"Missing\"; }\n");
        send("carol@c.test", "alice@a.test", message("carol@c.test", "alice@a.test", "new", ""));
        send("carol@c.test", "alice@a.test", message("carol@c.test", "alice@a.test", "old", ""));
        assertThat(subjects(nodeA, "alice@a.test", "Lists/Fresh")).containsExactly("new");
        assertThat(subjects(nodeA, "alice@a.test", Mailbox.INBOX)).containsExactly("old");
        assertThat(nodeA.storage().mailStore().mailbox("alice@a.test", "Missing")).isEmpty();
    }

    @Test
    void discardStoresNothingAndTheSenderIsToldOk() throws Exception {
        script("alice@a.test", "if header :contains \"subject\" \"spam\" { discard; }\n");
        assertThat(send("carol@c.test", "alice@a.test", message("carol@c.test", "alice@a.test", "cheap spam", "")))
                .startsWith("250");
        send("carol@c.test", "alice@a.test", message("carol@c.test", "alice@a.test", "real", ""));
        assertThat(subjects(nodeA, "alice@a.test", Mailbox.INBOX)).containsExactly("real");
    }

    @Test
    void redirectLeavesWithAnSrsSenderAndItsBounceComesBackToTheOriginalSender() throws Exception {
        script("alice@a.test", "redirect \"bob@b.test\";\n");
        send("carol@c.test", "alice@a.test", message("carol@c.test", "alice@a.test", "pass it on", ""));
        await().atMost(Duration.ofSeconds(20)).until(() -> subjects(nodeB, "bob@b.test", Mailbox.INBOX).size() == 1);
        assertThat(subjects(nodeA, "alice@a.test", Mailbox.INBOX)).isEmpty();
        String received = texts(nodeB, "bob@b.test", Mailbox.INBOX).get(0);
        String returnPath = received.substring("Return-Path: <".length(), received.indexOf(">"));
        assertThat(returnPath).startsWith("SRS0=").endsWith("=c.test=carol@a.test");
        assertThat(received).contains("Delivered-To: alice@a.test\r\n");

        // The bounce of the forwarded copy, from <> to the SRS address: A sends it on to carol.
        String bounce = "From: MAILER-DAEMON@b.test\r\nTo: " + returnPath + "\r\nSubject: bounced\r\n\r\nsorry\r\n";
        assertThat(send("", returnPath, bounce)).startsWith("250");
        await().atMost(Duration.ofSeconds(20)).until(() -> subjects(nodeB, "carol@c.test", Mailbox.INBOX).contains("bounced"));

        // A made-up SRS address of our domain names nobody.
        String forged = "SRS0=aaaaaa=zz=c.test=carol@a.test";
        assertThat(send("", forged, bounce)).startsWith("550");
    }

    @Test
    void redirectToItselfOrInACircleDoesNotLoop() throws Exception {
        script("alice@a.test", "redirect \"alice@a.test\";\n");
        send("carol@c.test", "alice@a.test", message("carol@c.test", "alice@a.test", "to myself", ""));
        assertThat(subjects(nodeA, "alice@a.test", Mailbox.INBOX)).containsExactly("to myself");

        // alice -> dave -> alice: the second visit finds alice's Delivered-To and keeps the message there.
        script("alice@a.test", "if header :is \"subject\" \"circle\" { redirect \"dave@a.test\"; }\n");
        script("dave@a.test", "redirect \"alice@a.test\";\n");
        send("carol@c.test", "alice@a.test", message("carol@c.test", "alice@a.test", "circle", ""));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> subjects(nodeA, "alice@a.test", Mailbox.INBOX).contains("circle"));
        assertThat(subjects(nodeA, "alice@a.test", Mailbox.INBOX)).containsExactly("to myself", "circle");
        assertThat(subjects(nodeA, "dave@a.test", Mailbox.INBOX)).isEmpty();
        assertThat(nodeA.storage().mailQueue().list()).isEmpty();
    }

    @Test
    void vacationAnswersOncePerSenderAndNeverListsOrAutoReplies() throws Exception {
        script("alice@a.test", "require \"vacation\";\n"
                + "vacation :days 3 :subject \"Away until Monday\" \"I am away; back on Monday.\";\n");
        send("carol@c.test", "alice@a.test", message("carol@c.test", "alice@a.test", "question", "Message-ID: <q1@c.test>\r\n"));
        await().atMost(Duration.ofSeconds(20)).until(() -> subjects(nodeB, "carol@c.test", Mailbox.INBOX).size() == 1);
        String reply = texts(nodeB, "carol@c.test", Mailbox.INBOX).get(0);
        assertThat(reply).startsWith("Return-Path: <>").contains("Subject: Away until Monday\r\n")
                .contains("Auto-Submitted: auto-replied").contains("In-Reply-To: <q1@c.test>")
                .contains("References: <q1@c.test>").contains("To: <carol@c.test>").contains("back on Monday");

        send("carol@c.test", "alice@a.test", message("carol@c.test", "alice@a.test", "again", ""));
        send("erin@c.test", "alice@a.test", message("erin@c.test", "alice@a.test", "list", "List-Id: <news.c.test>\r\n"));
        send("erin@c.test", "alice@a.test",
                message("erin@c.test", "alice@a.test", "robot", "Auto-Submitted: auto-replied\r\n"));
        // frank's reply is the marker: once it is in, the replies to the messages before it would be too.
        send("frank@c.test", "alice@a.test", message("frank@c.test", "alice@a.test", "hello", ""));
        await().atMost(Duration.ofSeconds(20)).until(() -> subjects(nodeB, "frank@c.test", Mailbox.INBOX).size() == 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> nodeA.storage().mailQueue().list().isEmpty());
        assertThat(subjects(nodeB, "carol@c.test", Mailbox.INBOX)).hasSize(1);
        assertThat(subjects(nodeB, "erin@c.test", Mailbox.INBOX)).isEmpty();
        assertThat(subjects(nodeA, "alice@a.test", Mailbox.INBOX)).containsExactly("question", "again", "list", "robot", "hello");
    }

    @Test
    void aScriptThatFailsAtRunTimeKeepsTheMessageAndTellsTheUserOnce() throws Exception {
        // keep and reject together is a run-time error (RFC 5429 section 2.1.1).
        script("alice@a.test", "require \"reject\";\nkeep;\nreject \"no\";\n");
        assertThat(send("carol@c.test", "alice@a.test", message("carol@c.test", "alice@a.test", "first", ""))).startsWith("250");
        assertThat(send("carol@c.test", "alice@a.test", message("carol@c.test", "alice@a.test", "second", ""))).startsWith("250");
        List<String> inbox = subjects(nodeA, "alice@a.test", Mailbox.INBOX);
        assertThat(inbox).contains("first", "second");
        assertThat(inbox.stream().filter(s -> s.equals("Your Sieve filter failed")).count()).isEqualTo(1);
        assertThat(subjects(nodeB, "carol@c.test", Mailbox.INBOX)).isEmpty();
    }

    @Test
    void rejectSendsTheSenderANotice() throws Exception {
        script("alice@a.test", "require \"reject\";\nreject \"I do not take mail about that.\";\n");
        assertThat(send("carol@c.test", "alice@a.test", message("carol@c.test", "alice@a.test", "offer", ""))).startsWith("250");
        await().atMost(Duration.ofSeconds(20)).until(() -> subjects(nodeB, "carol@c.test", Mailbox.INBOX).size() == 1);
        String notice = texts(nodeB, "carol@c.test", Mailbox.INBOX).get(0);
        assertThat(notice).startsWith("Return-Path: <>").contains("I do not take mail about that.")
                .contains("Status: 5.7.1").contains("Subject: offer");
        assertThat(subjects(nodeA, "alice@a.test", Mailbox.INBOX)).isEmpty();
    }

    @Test
    void editheaderChangesTheStoredCopyOnly() throws Exception {
        script("alice@a.test", "require \"editheader\";\naddheader \"X-Filtered\" \"by alice\";\ndeleteheader \"X-Spam\";\n");
        send("carol@c.test", "alice@a.test", message("carol@c.test", "alice@a.test", "edited", "X-Spam: yes\r\n"));
        String stored = texts(nodeA, "alice@a.test", Mailbox.INBOX).get(0);
        assertThat(stored).contains("X-Filtered: by alice\r\n").doesNotContain("X-Spam").contains("Subject: edited");
        // dave has no script: the same message, unedited, as received.
        send("carol@c.test", "dave@a.test", message("carol@c.test", "dave@a.test", "plain", "X-Spam: yes\r\n"));
        assertThat(texts(nodeA, "dave@a.test", Mailbox.INBOX).get(0)).contains("X-Spam: yes").doesNotContain("X-Filtered");
    }

    // ---- helpers ----

    private void script(String owner, String text) throws IOException {
        SieveScripts scripts = nodeA.storage().sieveScripts();
        scripts.put(owner, "main", text);
        scripts.activate(owner, "main");
    }

    private static String message(String from, String to, String subject, String extraHeaders) {
        return "From: <" + from + ">\r\nTo: <" + to + ">\r\nSubject: " + subject + "\r\n" + extraHeaders
                + "Date: Fri, 4 Dec 2026 12:00:00 +0000\r\n\r\nHello.\r\n";
    }

    /** One message over SMTP to node A; the reply to the end of data (or the first refusal). */
    private String send(String from, String to, String message) throws IOException {
        try (Socket s = new Socket("127.0.0.1", nodeA.addresses().get("smtp").getPort())) {
            s.setSoTimeout(15_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            reply(in);
            for (String command : List.of("EHLO client.test", "MAIL FROM:<" + from + ">", "RCPT TO:<" + to + ">", "DATA")) {
                out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
                String r = reply(in);
                if (!r.startsWith("2") && !r.startsWith("3")) return r;
            }
            out.write((message + ".\r\n").getBytes(StandardCharsets.UTF_8));
            String r = reply(in);
            out.write("QUIT\r\n".getBytes(StandardCharsets.UTF_8));
            return r;
        }
    }

    private static String reply(BufferedReader in) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) throw new IOException("connection closed");
        } while (line.length() > 3 && line.charAt(3) == '-');
        return line;
    }

    private static List<String> subjects(Server node, String account, String mailbox) throws IOException {
        List<String> subjects = new ArrayList<>();
        for (String text : texts(node, account, mailbox)) {
            for (String line : text.split("\r\n")) {
                if (line.isEmpty()) break;
                if (line.startsWith("Subject: ")) {
                    subjects.add(line.substring(9));
                    break;
                }
            }
        }
        return subjects;
    }

    private static List<String> texts(Server node, String account, String mailbox) throws IOException {
        MailStore store = node.storage().mailStore();
        Optional<Mailbox> box = store.mailbox(account, mailbox);
        List<String> texts = new ArrayList<>();
        if (box.isEmpty()) return texts;
        for (MessageRecord r : store.messages(box.get().id())) {
            try (InputStream in = node.storage().blobStore().open(r.blobId())) {
                texts.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return texts;
    }
}
