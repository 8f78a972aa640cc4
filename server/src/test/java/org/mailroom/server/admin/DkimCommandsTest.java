package org.mailroom.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.DkimKeyRecord;
import org.mailroom.core.store.DkimKeyRecord.State;
import org.mailroom.delivery.signing.KeyMaterial;
import org.mailroom.delivery.testing.MutableClock;
import org.mailroom.delivery.testing.TestDnsServer;
import org.mailroom.storage.embedded.EmbeddedStorage;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import picocli.CommandLine;

/**
 * {@code domain add} with its keys, {@code dkim list|rotate|retire} through a whole rotation, {@code dns records}
 * read back by dnsjava's zone-file parser, and {@code dns check} against our test DNS server; on the embedded store.
 */
class DkimCommandsTest {

    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");

    @TempDir
    Path data;

    final MutableClock clock = new MutableClock(T0);
    final List<EmbeddedStorage> opened = new ArrayList<>();
    final DirectoryOpener opener = config -> {
        EmbeddedStorage storage = EmbeddedStorage.open(config.server().dataDir());
        return DirectoryOpener.Handle.of(storage.directory(), storage::close);
    };
    TestDnsServer dns;
    String out;
    String err;

    @AfterEach
    void stop() {
        if (dns != null) dns.close();
    }

    int run(Object command, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data", data.toString(), "--set", "server.hostname=mail.example.org"));
        if (dns != null) all.addAll(List.of("--set", "dns.servers=[\"127.0.0.1:" + dns.address().getPort() + "\"]"));
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(o));
        cli.setErr(new PrintWriter(e));
        int code = cli.execute(all.toArray(String[]::new));
        out = o.toString();
        err = e.toString();
        return code;
    }

    int dkim(String... args) {
        return run(new DkimCommand(opener, clock), args);
    }

    int dnsCommand(String... args) {
        return run(new DnsCommand(opener, clock), args);
    }

    @Test
    void domainAddMakesASigningPairAndRotationFollowsTheDelays() {
        assertThat(run(new DomainCommand(opener, clock), "add", "example.org")).as(err).isZero();
        assertThat(out).contains("dkim key mr20261204r._domainkey.example.org (rsa-sha256) made",
                "dkim key mr20261204e._domainkey.example.org (ed25519-sha256) made");
        assertThat(dkim("list", "example.org")).isZero();
        assertThat(out.lines()).containsExactly(
                "example.org mr20261204e ed25519-sha256 active signs (made 2026-12-04T10:00:00Z)",
                "example.org mr20261204r rsa-sha256 active signs (made 2026-12-04T10:00:00Z)");

        // Rotate the same day: new selectors with a counter, published, not signing for dkim.publish_delay.
        clock.advance(Duration.ofHours(2));
        assertThat(dkim("rotate", "example.org")).as(err).isZero();
        assertThat(out).contains("mr20261204r2._domainkey.example.org (rsa-sha256) published, signs from 2026-12-05T12:00:00Z");
        assertThat(dkim("rotate", "example.org")).isEqualTo(1);
        assertThat(err).contains("a rotation of example.org is under way");
        assertThat(states()).containsExactly("mr20261204e active", "mr20261204r active", "mr20261204e2 published",
                "mr20261204r2 published");
        assertThat(dnsCommand("records", "example.org")).isZero();
        assertThat(out).contains("mr20261204r2._domainkey.example.org.", "mr20261204r._domainkey.example.org.");

        clock.advance(Duration.ofHours(23));
        assertThat(states()).containsExactly("mr20261204e active", "mr20261204r active", "mr20261204e2 published",
                "mr20261204r2 published");
        clock.advance(Duration.ofHours(1));
        assertThat(states()).containsExactly("mr20261204e retired", "mr20261204r retired", "mr20261204e2 active",
                "mr20261204r2 active");
        // Retired keys stay in DNS for dkim.retire_after, then go.
        assertThat(dnsCommand("records", "example.org")).isZero();
        assertThat(out).contains("mr20261204r._domainkey.example.org.", "retired, keep until 2026-12-12T12:00:00Z");
        clock.advance(Duration.ofDays(7));
        assertThat(states()).containsExactly("mr20261204e2 active", "mr20261204r2 active");

        // retire: a signing key only with --force.
        assertThat(dkim("retire", "example.org", "mr20261204r2")).isEqualTo(1);
        assertThat(err).contains("signs example.org's mail: rotate first");
        assertThat(dkim("rotate", "example.org")).isZero();
        assertThat(dkim("retire", "example.org", "mr20261212r")).as(err).isZero();
        assertThat(states()).containsExactly("mr20261204e2 active", "mr20261204r2 active", "mr20261212e published");
        assertThat(dkim("retire", "example.org", "mr20261204r2", "--force")).isZero();
        assertThat(states()).containsExactly("mr20261204e2 active", "mr20261212e published");
        assertThat(dkim("retire", "example.org", "nothing")).isEqualTo(1);
    }

    private List<String> states() {
        assertThat(dkim("list", "example.org")).as(err).isZero();
        // Oldest first; same age by selector.
        return out.lines().map(l -> l.split(" ")[1] + " " + l.split(" ")[3]).toList();
    }

    @Test
    void dnsRecordsAreAZoneFileThatParses() throws Exception {
        assertThat(run(new DomainCommand(opener, clock), "add", "example.org")).isZero();
        assertThat(dnsCommand("records", "example.org")).as(err).isZero();
        String zone = "$ORIGIN example.org.\n" + out;
        List<Record> records = new ArrayList<>();
        try (Master master = new Master(new java.io.ByteArrayInputStream(zone.getBytes()), Name.root, 3600)) {
            for (Record r = master.nextRecord(); r != null; r = master.nextRecord()) records.add(r);
        }
        assertThat(records).extracting(r -> Type.string(r.getType()) + " " + r.getName())
                .contains("MX example.org.", "TXT example.org.", "TXT mr20261204r._domainkey.example.org.",
                        "TXT mr20261204e._domainkey.example.org.", "TXT _dmarc.example.org.",
                        "TXT _mta-sts.example.org.", "TXT _smtp._tls.example.org.", "SRV _submissions._tcp.example.org.",
                        "SRV _submission._tcp.example.org.", "SRV _imaps._tcp.example.org.", "SRV _imap._tcp.example.org.",
                        "SRV _pop3s._tcp.example.org.", "SRV _pop3._tcp.example.org.", "CNAME autoconfig.example.org.",
                        "CNAME autodiscover.example.org.");
        assertThat(records).allMatch(r -> r.getTTL() == 3600);
        // The RSA key's record is longer than 255 octets: several strings, which join to the record we made.
        TXTRecord rsa = (TXTRecord) records.stream()
                .filter(r -> r.getName().toString().startsWith("mr20261204r.")).findFirst().orElseThrow();
        assertThat(rsa.getStrings()).hasSizeGreaterThan(1).allMatch(s -> s.length() <= 255);
        DkimKeyRecord key = key("mr20261204r");
        assertThat(String.join("", rsa.getStrings())).isEqualTo(KeyMaterial.dnsRecord(key)).startsWith("v=DKIM1; k=rsa; p=MIIB");
        SRVRecord submissions = (SRVRecord) records.stream()
                .filter(r -> r.getName().toString().startsWith("_submissions.")).findFirst().orElseThrow();
        assertThat(submissions.getPort()).isEqualTo(465);
        assertThat(submissions.getTarget().toString()).isEqualTo("mail.example.org.");
        assertThat(out).contains("; MTA-STS (RFC 8461)", ";     mode: testing", ";     mx: mail.example.org",
                "\"v=DMARC1; p=none; rua=mailto:postmaster@example.org\"", "\"v=spf1 mx ~all\"");
    }

    /** BIND's own zone checker takes the lines as they are, after an SOA and NS of the operator's. */
    @Test
    void namedCheckzoneAcceptsTheRecords() throws Exception {
        Path checker = Path.of("/usr/bin/named-checkzone");
        if (System.getenv("CI") != null) {
            assertThat(checker).as("named-checkzone (Debian bind9-utils) is needed under CI").exists();
        }
        Assumptions.assumeTrue(Files.isExecutable(checker), "named-checkzone not installed (apt-get install bind9-utils)");
        assertThat(run(new DomainCommand(opener, clock), "add", "example.org")).isZero();
        assertThat(dkim("rotate", "example.org")).isZero(); // four keys, one of them split in two strings each
        assertThat(dnsCommand("records", "example.org")).isZero();
        Path zone = data.resolve("example.org.zone");
        Files.writeString(zone, "$TTL 3600\n@ IN SOA ns.example.org. hostmaster.example.org. 1 3600 600 86400 60\n"
                + "@ IN NS ns.example.org.\nns IN A 192.0.2.1\nmail IN A 192.0.2.2\n" + out);
        Process p = new ProcessBuilder(checker.toString(), "example.org", zone.toString()).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(said).isZero();
        assertThat(said).contains("loaded serial 1").endsWith("OK\n");
    }

    @Test
    void dnsCheckSaysWhatIsMissingOrWrong() throws Exception {
        assertThat(run(new DomainCommand(opener, clock), "add", "example.org")).isZero();
        dns = TestDnsServer.start();
        assertThat(dnsCommand("check", "example.org")).isEqualTo(1);
        assertThat(out.lines().filter(l -> l.startsWith("MISSING"))).hasSize(15);

        // Seed everything dns records printed, from its own zone-file lines.
        assertThat(dnsCommand("records", "example.org")).isZero();
        try (Master master = new Master(new java.io.ByteArrayInputStream(out.getBytes()), Name.root, 3600)) {
            for (Record r = master.nextRecord(); r != null; r = master.nextRecord()) seed(r);
        }
        assertThat(dnsCommand("check", "example.org")).as(out).isZero();
        assertThat(out.lines().filter(l -> l.startsWith("OK "))).hasSize(15);
        assertThat(out).endsWith("all records found" + System.lineSeparator());

        // A stricter policy is still fine; another key, another host, a missing name are not.
        dns.remove("example.org").mx("example.org", 10, "mx.elsewhere.test").txt("example.org", "v=spf1 mx -all");
        dns.remove("mr20261204e._domainkey.example.org").txt("mr20261204e._domainkey.example.org",
                "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
        dns.remove("_dmarc.example.org").txt("_dmarc.example.org", "v=DMARC1; p=reject");
        dns.remove("autoconfig.example.org");
        assertThat(dnsCommand("check", "example.org")).isEqualTo(1);
        assertThat(out).contains("OK      TXT   example.org.\n".replace("\n", System.lineSeparator()),
                "WRONG   MX    example.org.  found 10 mx.elsewhere.test.; expected 10 mail.example.org.",
                "WRONG   TXT   mr20261204e._domainkey.example.org.  found v=DKIM1; k=ed25519; p=11qY",
                "OK      TXT   _dmarc.example.org.",
                "MISSING CNAME autoconfig.example.org.  expected mail.example.org.",
                "3 of the records are missing or wrong");
    }

    private void seed(Record r) {
        String name = r.getName().toString();
        if (r instanceof TXTRecord t) dns.txt(name, String.join("", t.getStrings()));
        else if (r instanceof org.xbill.DNS.MXRecord m) dns.mx(name, m.getPriority(), m.getTarget().toString());
        else if (r instanceof SRVRecord s) dns.srv(name, s.getPriority(), s.getWeight(), s.getPort(), s.getTarget().toString());
        else if (r instanceof org.xbill.DNS.CNAMERecord c) dns.cname(name, c.getTarget().toString());
        else throw new AssertionError("unexpected record " + r);
    }

    private DkimKeyRecord key(String selector) throws Exception {
        try (EmbeddedStorage storage = EmbeddedStorage.open(data)) {
            return storage.directory().dkimKeys("example.org").stream()
                    .filter(k -> k.selector().equals(selector)).findFirst().orElseThrow();
        }
    }
}
