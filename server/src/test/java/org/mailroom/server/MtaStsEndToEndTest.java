package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.MailQueue;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.Mailbox;
import org.mailroom.core.store.MessageRecord;
import org.mailroom.delivery.testing.MutableClock;
import org.mailroom.delivery.testing.PolicyServer;
import org.mailroom.delivery.testing.TestCa;
import org.mailroom.delivery.testing.TestDnsServer;
import org.mailroom.server.admin.StoreOptions;
import org.mailroom.server.config.Config;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * MTA-STS and TLS-RPT between two Mailroom servers: b.test publishes an enforce policy on a loopback HTTPS
 * server (certificate from a test CA that node A trusts through outbound.tls_trust), and node B, b.test's MX,
 * has a certificate for mx.b.test from that CA. While the MX record names mail.b.test the certificate does not
 * match and the message waits in A's queue with the reason in {@code queue show}; once it names mx.b.test the
 * message goes over verified TLS. The next day A sends b.test its TLS report, through its own queue, to the
 * rua mailbox on B.
 */
class MtaStsEndToEndTest {

    private static final Instant T0 = Instant.parse("2026-12-03T12:00:00Z");

    @TempDir
    Path dirA;
    @TempDir
    Path dirB;

    TestDnsServer dns;
    PolicyServer policy;
    Server nodeA;
    Server nodeB;

    @BeforeEach
    void start() throws Exception {
        TestCa ca = new TestCa();
        dns = TestDnsServer.start();
        dns.mx("b.test", 10, "mail.b.test").a("mail.b.test", "127.0.0.1").a("mx.b.test", "127.0.0.1")
                .a("mta-sts.b.test", "127.0.0.1").txt("_mta-sts.b.test", "v=STSv1; id=2026120301")
                .txt("_smtp._tls.b.test", "v=TLSRPTv1; rua=mailto:tlsrpt@b.test");
        policy = new PolicyServer(ca.issue("mta-sts.b.test").serverContext())
                .serve("version: STSv1\r\nmode: enforce\r\nmx: *.b.test\r\nmax_age: 604800\r\n");
        ca.issue("mx.b.test").writePem(dirB.resolve("mx.crt"), dirB.resolve("mx.key"));
        nodeB = node(dirB, "mx.b.test", 25, Clock.systemUTC(), Map.of(
                "tls.certificate", StoreOptions.tomlString(dirB.resolve("mx.crt").toString()),
                "tls.private_key", StoreOptions.tomlString(dirB.resolve("mx.key").toString())));
        nodeB.storage().directory().addDomain("b.test");
        nodeB.storage().directory().addAccount("bob@b.test", "secret".toCharArray());
        nodeB.storage().directory().addAccount("tlsrpt@b.test", "secret".toCharArray());
        nodeA = node(dirA, "mx.a.test", nodeB.addresses().get("smtp").getPort(), clock, Map.of(
                "outbound.mta_sts_port", String.valueOf(policy.port()),
                "outbound.tls_trust", StoreOptions.tomlString(ca.writePem(dirA.resolve("ca.pem")).toString()),
                "outbound.tls_report_org", "\"Mailroom A\""));
    }

    final MutableClock clock = new MutableClock(T0);

    @AfterEach
    void stop() {
        if (nodeA != null) nodeA.close();
        if (nodeB != null) nodeB.close();
        policy.close();
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
        o.put("outbound.retry_intervals", "[\"1m\"]");
        o.putAll(extra);
        return Server.start(Config.load(Optional.empty(), o), clock);
    }

    private void queueOnA(String to) throws IOException {
        String blob;
        try (org.mailroom.core.store.BlobStore.BlobWriter w = nodeA.storage().blobStore().create()) {
            w.write(("From: alice@a.test\r\nTo: " + to + "\r\nSubject: secret\r\n\r\nover verified TLS only\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            blob = w.commit();
        }
        nodeA.storage().mailQueue().enqueue(blob, "alice@a.test", List.of(to), clock.instant());
        nodeA.queueRunner().wakeUp();
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

    @Test
    void enforceDefersOverAMismatchedCertificateThenDeliversAndReportsBoth() throws Exception {
        queueOnA("bob@b.test");
        MailQueue queue = nodeA.storage().mailQueue();
        await().atMost(Duration.ofSeconds(20)).until(() -> !queue.list().isEmpty() && queue.list().get(0).attempts() == 1);
        String id = queue.list().get(0).id();
        String show = cli("queue", "show", id);
        System.out.println("MtaStsEndToEndTest: queue show of the refused message:\n" + show);
        assertThat(show).contains("bob@b.test  PENDING",
                "MTA-STS: policy id 2026120301 fetched: mode enforce, mx [*.b.test], max_age 604800",
                "certificate refused under the domain's MTA-STS policy (certificate-host-mismatch: "
                        + "certificate names [mx.b.test] do not match mail.b.test)");
        assertThat(inbox(nodeB, "bob@b.test")).isEmpty();

        // The domain fixes its MX record: the next try (after the retry interval and the DNS TTL) verifies.
        dns.remove("b.test").mx("b.test", 10, "mx.b.test");
        clock.advance(Duration.ofMinutes(10));
        nodeA.queueRunner().wakeUp();
        await().atMost(Duration.ofSeconds(20)).until(() -> inbox(nodeB, "bob@b.test").size() == 1);
        assertThat(inbox(nodeB, "bob@b.test").get(0).getHeader("Received")[0]).contains("ESMTPS");
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.list().isEmpty());

        // The next day: the report of 2026-12-03 goes to rua=mailto:tlsrpt@b.test through A's queue.
        clock.advance(Duration.ofDays(1));
        assertThat(nodeA.tlsReportSender().sendDue()).isEqualTo(1);
        nodeA.queueRunner().wakeUp();
        await().atMost(Duration.ofSeconds(20)).until(() -> inbox(nodeB, "tlsrpt@b.test").size() == 1);
        MimeMessage report = inbox(nodeB, "tlsrpt@b.test").get(0);
        assertThat(report.getSubject()).startsWith("Report Domain: b.test Submitter: Mailroom A Report-ID: <2026-12-03.");
        assertThat(report.getContentType()).startsWith("multipart/report").contains("report-type=\"tlsrpt\"");
        assertThat(report.getHeader("TLS-Report-Domain")[0]).isEqualTo("b.test");
        MimeMultipart parts = new MimeMultipart(report.getDataHandler().getDataSource());
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("application/tlsrpt+gzip");
        assertThat(parts.getBodyPart(1).getFileName()).matches("mx\\.a\\.test!b\\.test!1796256000!1796342399\\.json\\.gz");
        JsonNode json;
        try (InputStream in = new GZIPInputStream(parts.getBodyPart(1).getInputStream())) {
            json = JsonMapper.builder().build().readTree(in.readAllBytes());
        }
        System.out.println("MtaStsEndToEndTest: TLS report: " + json);
        assertThat(json.get("organization-name").asString()).isEqualTo("Mailroom A");
        assertThat(json.get("date-range").get("start-datetime").asString()).isEqualTo("2026-12-03T00:00:00Z");
        assertThat(json.get("date-range").get("end-datetime").asString()).isEqualTo("2026-12-03T23:59:59Z");
        assertThat(json.get("contact-info").asString()).isEqualTo("postmaster@mx.a.test");
        assertThat(json.get("report-id").asString()).startsWith("2026-12-03.");
        assertThat(json.get("policies")).hasSize(1);
        JsonNode sts = json.get("policies").get(0);
        assertThat(sts.get("policy").get("policy-type").asString()).isEqualTo("sts");
        assertThat(sts.get("policy").get("policy-domain").asString()).isEqualTo("b.test");
        assertThat(sts.get("policy").get("mx-host").get(0).asString()).isEqualTo("*.b.test");
        assertThat(sts.get("policy").get("policy-string").toString()).contains("mode: enforce");
        assertThat(sts.get("summary").get("total-successful-session-count").asLong()).isEqualTo(1);
        assertThat(sts.get("summary").get("total-failure-session-count").asLong()).isEqualTo(1);
        JsonNode failure = sts.get("failure-details").get(0);
        assertThat(failure.get("result-type").asString()).isEqualTo("certificate-host-mismatch");
        assertThat(failure.get("receiving-mx-hostname").asString()).isEqualTo("mail.b.test");
        assertThat(failure.get("receiving-ip").asString()).isEqualTo("127.0.0.1");
        assertThat(failure.get("failed-session-count").asLong()).isEqualTo(1);
        // Sent once: a second round finds nothing left of that day.
        assertThat(nodeA.tlsReportSender().sendDue()).isZero();
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
