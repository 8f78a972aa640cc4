package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.MailQueue;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.Mailbox;
import org.mailroom.core.store.MessageRecord;
import org.mailroom.delivery.testing.FakeMx;
import org.mailroom.delivery.testing.MutableClock;
import org.mailroom.delivery.testing.TestDnsServer;
import org.mailroom.server.admin.StoreOptions;
import org.mailroom.server.config.Config;

/**
 * Two Mailroom servers on loopback, node A (a.test) and node B (b.test), and a DNS server of our own that
 * gives b.test's MX as 127.0.0.1; A's {@code outbound.port} is B's SMTP port. Mail goes from A's queue to B
 * over real SMTP, and B's refusals come back to A's sender as RFC 3464 reports in the INBOX.
 */
class OutboundEndToEndTest {

    private static final Instant T0 = Instant.parse("2026-11-29T12:00:00Z");

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
        dns.mx("b.test", 10, "mx.b.test").a("mx.b.test", "127.0.0.1")
                .nullMx("nomail.test")
                .mx("down.test", 10, "mx.down.test").a("mx.down.test", "127.0.0.1")
                .mx("a.test", 10, "mx.a.test").a("mx.a.test", "127.0.0.1")
                // Nothing listens on 127.0.0.9: connection refused, the recipient stays in the queue.
                .mx("later.test", 10, "mx.later.test").a("mx.later.test", "127.0.0.9");
    }

    @AfterEach
    void stop() {
        if (nodeA != null) nodeA.close();
        if (nodeB != null) nodeB.close();
        dns.close();
    }

    private Server node(Path dir, String hostname, int outboundPort, Clock clock, Map<String, String> extra)
            throws IOException {
        Map<String, String> o = new HashMap<>();
        o.put("server.hostname", "\"" + hostname + "\"");
        o.put("server.data_dir", StoreOptions.tomlString(dir.toString()));
        o.put("listen.smtp", "\"127.0.0.1:0\"");
        for (String key : new String[] {"pop3", "submission", "submissions", "imap", "imaps", "pop3s", "managesieve", "admin"}) {
            o.put("listen." + key, "\"\"");
        }
        o.put("dns.servers", "[\"127.0.0.1:" + dns.address().getPort() + "\"]");
        o.put("outbound.port", String.valueOf(outboundPort));
        o.put("outbound.retry_intervals", "[\"1m\", \"2m\", \"4m\"]");
        o.putAll(extra);
        return Server.start(Config.load(Optional.empty(), o), clock);
    }

    private void startBoth(Clock clock) throws IOException {
        nodeB = node(dirB, "mx.b.test", 25, Clock.systemUTC(), Map.of());
        Directory b = nodeB.storage().directory();
        b.addDomain("b.test");
        b.addAccount("bob@b.test", "secret".toCharArray());
        nodeA = node(dirA, "mx.a.test", nodeB.addresses().get("smtp").getPort(), clock, Map.of());
        setUpA();
    }

    private void setUpA() throws IOException {
        Directory a = nodeA.storage().directory();
        a.addDomain("a.test");
        a.addAccount("alice@a.test", "secret".toCharArray());
        a.addAlias("bob@a.test", "bob@b.test");
        a.addAlias("ghost@a.test", "nobody@b.test");
        a.addAlias("nomail@a.test", "x@nomail.test");
        a.addAlias("nowhere@a.test", "y@nowhere.test");
        a.addAlias("down@a.test", "z@down.test");
        a.addAlias("later@a.test", "w@later.test");
    }

    /** alice@a.test sends over SMTP to node A (Angus Mail); A's aliases forward to the outside. */
    private void sendFromAlice(String to, String subject) throws Exception {
        sendFromAlice(to, subject, Map.of());
    }

    /** As above, with more Angus Mail properties ({@code mail.smtp.dsn.notify}, {@code mail.smtp.dsn.ret}). */
    private void sendFromAlice(String to, String subject, Map<String, String> extra) throws Exception {
        Properties props = new Properties();
        props.putAll(extra);
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(nodeA.addresses().get("smtp").getPort()));
        props.put("mail.smtp.localhost", "client.a.test");
        props.put("mail.smtp.timeout", "10000");
        MimeMessage m = new MimeMessage(Session.getInstance(props));
        m.setFrom(new InternetAddress("alice@a.test"));
        m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to));
        m.setSubject(subject);
        m.setText("Hello from A.\n.leading dot\nbye\n");
        Transport.send(m);
    }

    private static List<MimeMessage> inbox(Server node, String account) throws Exception {
        MailStore store = node.storage().mailStore();
        Optional<Mailbox> inbox = store.mailbox(account, Mailbox.INBOX);
        List<MimeMessage> out = new ArrayList<>();
        if (inbox.isEmpty()) return out;
        for (MessageRecord r : store.messages(inbox.get().id())) {
            try (InputStream in = node.storage().blobStore().open(r.blobId())) {
                out.add(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(in.readAllBytes())));
            }
        }
        return out;
    }

    private static String deliveryStatus(MimeMessage report) throws Exception {
        assertThat(report.getContentType()).startsWith("multipart/report").contains("report-type=delivery-status");
        MimeMultipart parts = new MimeMultipart(report.getDataHandler().getDataSource());
        assertThat(parts.getCount()).isEqualTo(3);
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("message/delivery-status");
        try (InputStream in = parts.getBodyPart(1).getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Queues on A, as if bob@b.test had submitted it there, a message from bob to carol@b.test. */
    private void queueOnA(String subject) throws IOException {
        String blob;
        try (org.mailroom.core.store.BlobStore.BlobWriter w = nodeA.storage().blobStore().create()) {
            w.write(("Return-Path: <bob@b.test>\r\nFrom: bob@b.test\r\nSubject: " + subject + "\r\n\r\nhi\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            blob = w.commit();
        }
        nodeA.storage().mailQueue().enqueue(blob, "bob@b.test", List.of("carol@b.test"), Instant.now());
        nodeA.queueRunner().wakeUp();
    }

    private void startWithSmartHost(String password) throws IOException {
        nodeB = node(dirB, "mx.b.test", 25, Clock.systemUTC(), Map.of("listen.submission", "\"127.0.0.1:0\""));
        Directory b = nodeB.storage().directory();
        b.addDomain("b.test");
        b.addAccount("bob@b.test", "secret".toCharArray());
        b.addAccount("carol@b.test", "secret".toCharArray());
        Path passwordFile = java.nio.file.Files.writeString(dirA.resolve("relay-password"), password + "\n");
        nodeA = node(dirA, "mx.a.test", 25, Clock.systemUTC(), Map.of(
                "outbound.relay_host", "\"127.0.0.1:" + nodeB.addresses().get("submission").getPort() + "\"",
                "outbound.relay_user", "\"bob@b.test\"",
                "outbound.relay_password_file", StoreOptions.tomlString(passwordFile.toString())));
        setUpA();
    }

    @Test
    void smartHostWithAuthIsGivenThePasswordUnderTls() throws Exception {
        // B's submission port wants STARTTLS before AUTH and a sender its user owns: a strict smart host.
        startWithSmartHost("secret");
        queueOnA("via the smart host");
        await().atMost(Duration.ofSeconds(20)).until(() -> inbox(nodeB, "carol@b.test").size() == 1);
        MimeMessage got = inbox(nodeB, "carol@b.test").get(0);
        assertThat(got.getSubject()).isEqualTo("via the smart host");
        assertThat(got.getHeader("Received")[0]).contains("with ESMTPSA");
        await().atMost(Duration.ofSeconds(10)).until(() -> nodeA.storage().mailQueue().list().isEmpty());
    }

    @Test
    void smartHostRefusingOurPasswordKeepsTheMessageQueued() throws Exception {
        startWithSmartHost("wrong");
        queueOnA("kept");
        await().atMost(Duration.ofSeconds(20)).until(() -> nodeA.storage().mailQueue().list().stream()
                .anyMatch(e -> e.attempts() > 0));
        MailQueue.Entry entry = nodeA.storage().mailQueue().list().get(0);
        assertThat(entry.recipients()).extracting(MailQueue.Recipient::state)
                .containsExactly(MailQueue.RecipientState.PENDING);
        String history = entry.history().toString();
        assertThat(history).contains("refused our AUTH").contains("AUTH PLAIN <credentials of bob@b.test>")
                .doesNotContain("wrong");
        assertThat(inbox(nodeB, "carol@b.test")).isEmpty();
    }

    @Test
    void messageTravelsFromAToBobsInboxOnB() throws Exception {
        startBoth(Clock.systemUTC());
        sendFromAlice("bob@a.test", "across");
        await().atMost(Duration.ofSeconds(20)).until(() -> inbox(nodeB, "bob@b.test").size() == 1);
        MimeMessage got = inbox(nodeB, "bob@b.test").get(0);
        assertThat(got.getSubject()).isEqualTo("across");
        assertThat(got.getHeader("Return-Path")).as("one Return-Path, B's").containsExactly("<alice@a.test>");
        assertThat(got.getHeader("Received")).hasSizeGreaterThanOrEqualTo(2);
        assertThat(((String) got.getContent()).replace("\r\n", "\n")).isEqualTo("Hello from A.\n.leading dot\nbye\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> nodeA.storage().mailQueue().list().isEmpty());
        assertThat(inbox(nodeA, "alice@a.test")).as("no notice for a success without NOTIFY").isEmpty();
    }

    @Test
    void deliveryToBUsesStartTls() throws Exception {
        startBoth(Clock.systemUTC());
        // The copy to later.test cannot go yet, so the entry and its history stay in A's queue.
        sendFromAlice("bob@a.test, later@a.test", "encrypted");
        await().atMost(Duration.ofSeconds(20)).until(() -> inbox(nodeB, "bob@b.test").size() == 1);
        MimeMessage got = inbox(nodeB, "bob@b.test").get(0);
        assertThat(got.getHeader("Received")[0]).as("B's own Received line").contains("by mx.b.test", "with ESMTPS");
        MailQueue queue = nodeA.storage().mailQueue();
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.list().size() == 1
                && queue.list().get(0).history().stream().anyMatch(a -> a.destination().equals("b.test")));
        MailQueue.Attempt toB = queue.list().get(0).history().stream()
                .filter(a -> a.destination().equals("b.test")).findFirst().orElseThrow();
        assertThat(toB.tls()).startsWith("TLSv1.3 ");
        assertThat(String.join("\n", toB.log())).contains("C: STARTTLS", "S: 220", "TLS: TLSv1.3")
                // B offers CHUNKING (RFC 3030): the message goes as BDAT, not DATA.
                .contains("C: BDAT ", " LAST", "BDAT chunk").doesNotContain("C: DATA");
        assertThat(toB.result()).contains("bob@b.test: DELIVERED");
    }

    @Test
    void notifySuccessThroughANextHopWithoutDsnIsRelayed() throws Exception {
        try (FakeMx mx = new FakeMx(java.net.InetAddress.getLoopbackAddress(), 0, FakeMx.Stage.DOT,
                FakeMx.Fault.NONE)) {
            nodeA = node(dirA, "mx.a.test", mx.port(), Clock.systemUTC(), Map.of());
            setUpA();
            sendFromAlice("bob@a.test", "tell me", Map.of("mail.smtp.dsn.notify", "SUCCESS,FAILURE"));
            await().atMost(Duration.ofSeconds(20)).until(() -> inbox(nodeA, "alice@a.test").size() == 1);
            assertThat(mx.messages()).hasSize(1);
            MimeMessage notice = inbox(nodeA, "alice@a.test").get(0);
            assertThat(notice.getSubject()).isEqualTo("Successful Mail Delivery Report");
            // RFC 3464 section 2.3.3: "relayed" when the next hop cannot report delivery itself.
            assertThat(deliveryStatus(notice)).contains("Reporting-MTA: dns; mx.a.test",
                    "Final-Recipient: rfc822; bob@b.test", "Original-Recipient: rfc822; bob@a.test",
                    "Action: relayed", "Status: 2.0.0", "Remote-MTA: dns; mx.b.test");
            MimeMultipart parts = new MimeMultipart(notice.getDataHandler().getDataSource());
            assertThat(parts.getBodyPart(2).getContentType()).startsWith("text/rfc822-headers");
        }
    }

    @Test
    void notifySuccessIsPassedToBWhichReportsDelivery() throws Exception {
        int portA = TestPorts.freeBelowEphemeralRange(); // B must know A's port before A starts: B sends the notice to A
        nodeB = node(dirB, "mx.b.test", portA, Clock.systemUTC(), Map.of());
        nodeB.storage().directory().addDomain("b.test");
        nodeB.storage().directory().addAccount("bob@b.test", "secret".toCharArray());
        nodeA = node(dirA, "mx.a.test", nodeB.addresses().get("smtp").getPort(), Clock.systemUTC(),
                Map.of("listen.smtp", "\"127.0.0.1:" + portA + "\""));
        setUpA();
        sendFromAlice("bob@a.test", "tell me", Map.of("mail.smtp.dsn.notify", "SUCCESS,FAILURE"));
        await().atMost(Duration.ofSeconds(20)).until(() -> inbox(nodeB, "bob@b.test").size() == 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> inbox(nodeA, "alice@a.test").size() == 1);
        MimeMessage notice = inbox(nodeA, "alice@a.test").get(0);
        assertThat(notice.getSubject()).isEqualTo("Successful Mail Delivery Report");
        assertThat(notice.getHeader("Return-Path")).containsExactly("<>");
        // B knew DSN, so A passed NOTIFY on and said nothing itself (RFC 3461 section 6.2.7.2); B delivered.
        assertThat(deliveryStatus(notice)).contains("Reporting-MTA: dns; mx.b.test",
                "Final-Recipient: rfc822; bob@b.test", "Original-Recipient: rfc822; bob@a.test",
                "Action: delivered", "Status: 2.0.0");
        await().atMost(Duration.ofSeconds(10)).until(() -> nodeA.storage().mailQueue().list().isEmpty()
                && nodeB.storage().mailQueue().list().isEmpty());
        assertThat(inbox(nodeA, "alice@a.test")).as("one notice, B's").hasSize(1);
    }

    @Test
    void retHdrsBouncesWithTheHeadersOnly() throws Exception {
        startBoth(Clock.systemUTC());
        sendFromAlice("ghost@a.test", "headers only", Map.of("mail.smtp.dsn.ret", "HDRS"));
        await().atMost(Duration.ofSeconds(20)).until(() -> inbox(nodeA, "alice@a.test").size() == 1);
        MimeMessage bounce = inbox(nodeA, "alice@a.test").get(0);
        assertThat(deliveryStatus(bounce)).contains("Action: failed", "Status: 5.1.1");
        MimeMultipart parts = new MimeMultipart(bounce.getDataHandler().getDataSource());
        assertThat(parts.getBodyPart(2).getContentType()).startsWith("text/rfc822-headers");
        String returned;
        try (InputStream in = parts.getBodyPart(2).getInputStream()) {
            returned = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(returned).contains("Subject: headers only", "From: alice@a.test").doesNotContain("Hello from A.");
    }

    @Test
    void twoMessagesToOneDomainShareOneConnection() throws Exception {
        try (FakeMx mx = new FakeMx(java.net.InetAddress.getLoopbackAddress(), 0, FakeMx.Stage.DOT,
                FakeMx.Fault.NONE)) {
            nodeA = node(dirA, "mx.a.test", mx.port(), Clock.systemUTC(),
                    Map.of("outbound.max_connections_per_destination", "1"));
            setUpA();
            sendFromAlice("bob@a.test", "first");
            sendFromAlice("bob@a.test", "second");
            await().atMost(Duration.ofSeconds(20)).until(() -> mx.messages().size() == 2);
            assertThat(mx.connections()).as("TCP connections at the MX").isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> nodeA.storage().mailQueue().list().isEmpty());
        }
    }

    @Test
    void aDeliverySlowerThanItsLeaseKeepsItAndIsNotStartedTwice() throws Exception {
        try (FakeMx mx = new FakeMx(java.net.InetAddress.getLoopbackAddress(), 0, FakeMx.Stage.DOT,
                FakeMx.Fault.NONE)) {
            mx.stallAfter(0); // the MX takes the message and never answers the final dot
            MutableClock clock = new MutableClock(T0);
            nodeA = node(dirA, "mx.a.test", mx.port(), clock, Map.of("outbound.lease", "\"10m\""));
            setUpA();
            sendFromAlice("bob@a.test", "slow");
            await().atMost(Duration.ofSeconds(20)).until(() -> mx.stalledAtDot() == 1);

            // Past the lease the claim would find the entry due again, had the runner not extended its lease.
            clock.advance(Duration.ofMinutes(11));
            nodeA.queueRunner().wakeUp();
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> mx.connections() == 1 && mx.stalledAtDot() == 1);
        }
    }

    @Test
    void tlsRequiredKeepsMailFromAServerWithoutStartTls() throws Exception {
        try (FakeMx mx = new FakeMx(java.net.InetAddress.getLoopbackAddress(), 0, FakeMx.Stage.DOT,
                FakeMx.Fault.NONE)) {
            nodeA = node(dirA, "mx.a.test", mx.port(), new MutableClock(T0), Map.of("outbound.tls", "\"required\""));
            setUpA();
            sendFromAlice("bob@a.test", "secret");
            MailQueue queue = nodeA.storage().mailQueue();
            await().atMost(Duration.ofSeconds(20)).until(() -> !queue.list().isEmpty() && queue.list().get(0).attempts() == 1);
            assertThat(queue.list().get(0).lastError()).contains("offers no STARTTLS, which outbound.tls = required requires");
            assertThat(queue.list().get(0).recipients().get(0).state()).isEqualTo(MailQueue.RecipientState.PENDING);
            assertThat(mx.messages()).isEmpty();
        }
    }

    @Test
    void tlsRequiredDeliversToBWithAnyCertificate() throws Exception {
        nodeB = node(dirB, "mx.b.test", 25, Clock.systemUTC(), Map.of());
        nodeB.storage().directory().addDomain("b.test");
        nodeB.storage().directory().addAccount("bob@b.test", "secret".toCharArray());
        nodeA = node(dirA, "mx.a.test", nodeB.addresses().get("smtp").getPort(), Clock.systemUTC(),
                Map.of("outbound.tls", "\"required\""));
        setUpA();
        sendFromAlice("bob@a.test", "self-signed is fine");
        await().atMost(Duration.ofSeconds(20)).until(() -> inbox(nodeB, "bob@b.test").size() == 1);
        assertThat(inbox(nodeB, "bob@b.test").get(0).getHeader("Received")[0]).contains("with ESMTPS");
    }

    @Test
    void tlsVerifyRefusesBsSelfSignedCertificate() throws Exception {
        nodeB = node(dirB, "mx.b.test", 25, Clock.systemUTC(), Map.of());
        nodeB.storage().directory().addDomain("b.test");
        nodeB.storage().directory().addAccount("bob@b.test", "secret".toCharArray());
        nodeA = node(dirA, "mx.a.test", nodeB.addresses().get("smtp").getPort(), new MutableClock(T0),
                Map.of("outbound.tls", "\"verify\""));
        setUpA();
        sendFromAlice("bob@a.test", "not to an unverified server");
        MailQueue queue = nodeA.storage().mailQueue();
        await().atMost(Duration.ofSeconds(20)).until(() -> !queue.list().isEmpty() && queue.list().get(0).attempts() == 1);
        MailQueue.Entry entry = queue.list().get(0);
        assertThat(entry.recipients().get(0).state()).isEqualTo(MailQueue.RecipientState.PENDING);
        assertThat(entry.history().get(0).tls()).startsWith("none: TLS handshake failed").doesNotContain("plain text");
        assertThat(entry.history().get(0).log()).noneMatch(l -> l.contains("MAIL FROM"));
        assertThat(inbox(nodeB, "bob@b.test")).isEmpty();
    }

    @Test
    void unknownUserOnBComesBackAsABounceInAlicesInbox() throws Exception {
        startBoth(Clock.systemUTC());
        sendFromAlice("ghost@a.test", "to nobody");
        await().atMost(Duration.ofSeconds(20)).until(() -> inbox(nodeA, "alice@a.test").size() == 1);
        MimeMessage bounce = inbox(nodeA, "alice@a.test").get(0);
        assertThat(bounce.getHeader("Return-Path")).containsExactly("<>");
        assertThat(bounce.getSubject()).isEqualTo("Undelivered Mail Returned to Sender");
        String status = deliveryStatus(bounce);
        assertThat(status).contains("Reporting-MTA: dns; mx.a.test", "Final-Recipient: rfc822; nobody@b.test",
                "Original-Recipient: rfc822; ghost@a.test", "Action: failed", "Status: 5.1.1",
                "Remote-MTA: dns; mx.b.test", "Diagnostic-Code: smtp; 550");
        MimeMultipart parts = new MimeMultipart(bounce.getDataHandler().getDataSource());
        assertThat(parts.getBodyPart(2).getContentType()).startsWith("message/rfc822");
        assertThat(nodeA.storage().mailQueue().list()).isEmpty();
    }

    @Test
    void nullMxAndNonExistentDomainsBounceAtOnce() throws Exception {
        nodeA = node(dirA, "mx.a.test", 25, Clock.systemUTC(), Map.of());
        setUpA();
        sendFromAlice("nomail@a.test", "null mx");
        sendFromAlice("nowhere@a.test", "nxdomain");
        await().atMost(Duration.ofSeconds(20)).until(() -> inbox(nodeA, "alice@a.test").size() == 2);
        List<String> statuses = new ArrayList<>();
        for (MimeMessage m : inbox(nodeA, "alice@a.test")) statuses.add(deliveryStatus(m));
        assertThat(String.join("\n", statuses)).contains("Final-Recipient: rfc822; x@nomail.test", "Status: 5.1.10",
                "Final-Recipient: rfc822; y@nowhere.test", "Status: 5.1.2");
    }

    /** Past 1 MiB a failure report returns the original's header alone, even for RET=FULL (the default). */
    @Test
    void aLargeMessageBouncesWithItsHeaderOnly() throws Exception {
        nodeA = node(dirA, "mx.a.test", 25, Clock.systemUTC(), Map.of());
        setUpA();
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(nodeA.addresses().get("smtp").getPort()));
        props.put("mail.smtp.localhost", "client.a.test");
        MimeMessage m = new MimeMessage(Session.getInstance(props));
        m.setFrom(new InternetAddress("alice@a.test"));
        m.setRecipients(Message.RecipientType.TO, InternetAddress.parse("nowhere@a.test"));
        m.setSubject("two megabytes");
        m.setText("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n".repeat(32 * 1024));
        Transport.send(m);
        await().atMost(Duration.ofSeconds(20)).until(() -> inbox(nodeA, "alice@a.test").size() == 1);
        MimeMessage bounce = inbox(nodeA, "alice@a.test").get(0);
        assertThat(deliveryStatus(bounce)).contains("Action: failed", "Status: 5.1.2");
        MimeMultipart parts = new MimeMultipart(bounce.getDataHandler().getDataSource());
        assertThat(parts.getBodyPart(2).getContentType()).startsWith("text/rfc822-headers");
        try (InputStream in = parts.getBodyPart(2).getInputStream()) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .contains("Subject: two megabytes").doesNotContain("0123456789abcdef");
        }
        assertThat(bounce.getSize()).isLessThan(16 * 1024);
    }

    @Test
    void retriesFollowTheScheduleThenADelayNoticeThenABounceAtExpiry() throws Exception {
        int closedPort = TestPorts.freeBelowEphemeralRange(); // nothing listens there: connection refused
        MutableClock clock = new MutableClock(T0);
        nodeA = node(dirA, "mx.a.test", closedPort, clock,
                Map.of("outbound.lifetime", "\"10m\"", "outbound.warn_after", "\"3m\""));
        setUpA();
        sendFromAlice("down@a.test", "patience");
        MailQueue queue = nodeA.storage().mailQueue();
        // Expected tries: T0, +1m, +3m (delay notice: older than warn_after), +7m, +11m (expired: bounce).
        long[] expectedMinutes = {0, 1, 3, 7, 11};
        for (int i = 0; i < expectedMinutes.length - 1; i++) {
            int attempts = i + 1;
            await().atMost(Duration.ofSeconds(20)).until(() -> queue.list().get(0).attempts() == attempts);
            MailQueue.Entry entry = queue.list().get(0);
            Duration wait = Duration.between(clock.instant(), entry.nextAttempt());
            Duration configured = Duration.ofMinutes(expectedMinutes[i + 1] - expectedMinutes[i]);
            assertThat((double) wait.toMillis()).as("wait after try %d", attempts)
                    .isCloseTo(configured.toMillis(), org.assertj.core.data.Percentage.withPercentage(5));
            clock.set(entry.nextAttempt());
            nodeA.queueRunner().wakeUp();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> queue.list().isEmpty());
        List<MimeMessage> notices = inbox(nodeA, "alice@a.test");
        assertThat(notices).extracting(MimeMessage::getSubject)
                .containsExactly("Delayed Mail (still being retried)", "Undelivered Mail Returned to Sender");
        assertThat(deliveryStatus(notices.get(0))).contains("Action: delayed", "Status: 4.4.1", "Will-Retry-Until:");
        assertThat(deliveryStatus(notices.get(1))).contains("Action: failed", "Status: 5.4.7",
                "Final-Recipient: rfc822; z@down.test");
    }

    @Test
    void queueCommandsShowTheHistoryFlushAndBounce() throws Exception {
        int closedPort = TestPorts.freeBelowEphemeralRange();
        nodeA = node(dirA, "mx.a.test", closedPort, new MutableClock(T0), Map.of());
        setUpA();
        sendFromAlice("down@a.test", "stuck");
        MailQueue queue = nodeA.storage().mailQueue();
        await().atMost(Duration.ofSeconds(20)).until(() -> !queue.list().isEmpty() && queue.list().get(0).attempts() == 1);
        String id = queue.list().get(0).id();

        assertThat(cli("queue", "list")).contains(id, "from <alice@a.test>", "1 pending of 1", "tries 1", "1 message");
        String show = cli("queue", "show", id);
        assertThat(show).contains("z@down.test  PENDING", "attempt 1 at 2026-11-29T12:00:00Z to down.test",
                "dns: MX down.test: 10 mx.down.test.", "connect mx.down.test[127.0.0.1]:" + closedPort,
                "tls: none");
        assertThat(cli("queue", "flush", id)).contains(id + " flushed");
        assertThat(cli("queue", "show", "nothing")).isEmpty();
        assertThat(cli("queue", "bounce", id)).contains(id + " bounced");
        await().atMost(Duration.ofSeconds(20)).until(() -> inbox(nodeA, "alice@a.test").size() == 1);
        assertThat(deliveryStatus(inbox(nodeA, "alice@a.test").get(0))).contains("Action: failed", "Status: 5.0.0",
                "returned to sender by the administrator");
        assertThat(cli("queue", "list")).contains("0 messages");
    }

    /** Runs {@code mailroom ARGS --data dirA} in-process and returns its stdout. */
    private String cli(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cl = Main.commandLine();
        cl.setOut(new java.io.PrintWriter(out));
        cl.setErr(new java.io.PrintWriter(err));
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--data");
        all.add(dirA.toString());
        int code = cl.execute(all.toArray(new String[0]));
        if (code != 0) assertThat(err.toString()).startsWith("mailroom: ");
        return out.toString();
    }
}
