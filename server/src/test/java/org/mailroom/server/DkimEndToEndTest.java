package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.DkimKeyRecord;
import org.mailroom.delivery.dns.DnsjavaResolver;
import org.mailroom.delivery.signing.KeyMaterial;
import org.mailroom.delivery.testing.FakeMx;
import org.mailroom.delivery.testing.MutableClock;
import org.mailroom.delivery.testing.TestDnsServer;
import org.mailroom.mailauth.arc.ArcVerdict;
import org.mailroom.mailauth.arc.ArcVerifier;
import org.mailroom.mailauth.dkim.DkimVerdict;
import org.mailroom.mailauth.dkim.DkimVerifier;
import org.mailroom.server.admin.StoreOptions;
import org.mailroom.server.config.Config;
import picocli.CommandLine;

/**
 * Mailroom signs what leaves through its queue, checked by two verifiers: dkimpy (Debian python3-dkim, run by
 * /usr/bin/python3, independent of us) and our own DkimVerifier. The domain and its keys are made by the
 * {@code domain add} command while the server runs; the remote MX is a FakeMx found through our test DNS server,
 * which also serves the key records that {@code dns records} would print.
 */
class DkimEndToEndTest {

    private static final String HOST = "mx.example.test";

    @TempDir
    Path data;
    @TempDir
    Path tmp;

    final MutableClock clock = new MutableClock(Instant.now());
    TestDnsServer dns;
    FakeMx mx;
    Server server;

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start();
        mx = new FakeMx(InetAddress.getLoopbackAddress(), 0, FakeMx.Stage.GREETING, FakeMx.Fault.NONE);
        dns.mx("remote.test", 10, "mx.remote.test").mx("other.test", 10, "mx.remote.test")
                .a("mx.remote.test", "127.0.0.1");
        Map<String, String> o = new HashMap<>();
        o.put("server.hostname", "\"" + HOST + "\"");
        o.put("server.data_dir", StoreOptions.tomlString(data.toString()));
        for (String key : new String[] {"smtp", "submission"}) o.put("listen." + key, "\"127.0.0.1:0\"");
        for (String key : new String[] {"submissions", "pop3", "pop3s", "imap", "imaps", "managesieve", "admin"}) o.put("listen." + key, "\"\"");
        o.put("dns.servers", "[\"127.0.0.1:" + dns.address().getPort() + "\"]");
        o.put("outbound.port", String.valueOf(mx.port()));
        o.put("limits.auth_delay", "\"0s\"");
        o.put("dkim.publish_delay", "\"0s\""); // a rotation signs as soon as the server reads the keys again
        server = Server.start(Config.load(Optional.empty(), o), clock);

        // As an operator would, while the server runs.
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        assertThat(cli.execute("domain", "add", "example.test", "--data", data.toString(), "--set", "server.hostname=" + HOST)).as(out.toString()).isZero();
        Directory directory = server.storage().directory();
        directory.addAccount("alice@example.test", "secret".toCharArray());
        directory.addAlias("fwd@example.test", "someone@remote.test");
        publishKeys();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.close();
        mx.close();
        dns.close();
    }

    /** The TXT records of every key, in the DNS server and in a file for dkimpy. */
    private Path publishKeys() throws Exception {
        StringBuilder lines = new StringBuilder();
        for (DkimKeyRecord key : server.storage().directory().dkimKeys("example.test")) {
            String name = key.selector() + "._domainkey.example.test";
            String value = KeyMaterial.dnsRecord(key);
            dns.remove(name).txt(name, value);
            lines.append(name).append('\t').append(value).append('\n');
        }
        Path file = tmp.resolve("keys.txt");
        Files.writeString(file, lines);
        return file;
    }

    private void submitAsAlice(String from, String to) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(server.addresses().get("submission").getPort()));
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.starttls.enable", "true");
        props.put("mail.smtp.starttls.required", "true");
        props.put("mail.smtp.ssl.trust", "*");
        props.put("mail.smtp.timeout", "10000");
        Session session = Session.getInstance(props);
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(from));
        m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to));
        m.setSubject("Signed, sealed, delivered");
        m.setText("Hello from example.test.\nA second line, and   some  spaces.  \n\n");
        Transport.send(m, "alice@example.test", "secret");
    }

    private String received(int count) {
        await().atMost(Duration.ofSeconds(30)).until(() -> mx.messages().size() >= count);
        return mx.messages().get(count - 1);
    }

    private static List<String> fields(String message, String name) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^" + name + ":[^\r\n]*(\r\n[ \t][^\r\n]*)*").matcher(message.split("\r\n\r\n", 2)[0]);
        while (m.find()) out.add(m.group());
        return out;
    }

    private static String tag(String field, String tag) {
        Matcher m = Pattern.compile("[;:\\s]" + tag + "=([^;]*)").matcher(field.replaceAll("\r\n[ \t]", " "));
        return m.find() ? m.group(1).replaceAll("\\s+", "") : "";
    }

    /** dkimpy's verdicts, one line per DKIM-Signature and one for the ARC chain. */
    private String dkimpy(String message) throws Exception {
        return dkimpyWithKeys(message, publishKeys());
    }

    private String dkimpyWithKeys(String message, Path keys) throws Exception {
        Path script = tmp.resolve("dkimpy_verify.py");
        try (InputStream in = getClass().getResourceAsStream("/mailauth/dkimpy_verify.py")) {
            Files.write(script, in.readAllBytes());
        }
        Path file = tmp.resolve("message.eml");
        Files.writeString(file, message, StandardCharsets.ISO_8859_1);
        return Programs.run(null, "/usr/bin/python3", script.toString(), file.toString(), keys.toString());
    }

    private List<DkimVerdict> ourVerifier(String message) throws Exception {
        DnsjavaResolver resolver = new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(5), Clock.systemUTC());
        return new DkimVerifier(resolver, Clock.systemUTC())
                .verify(new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void submittedMailLeavesWithAnRsaAndAnEd25519SignatureThatBothVerifiersPass() throws Exception {
        submitAsAlice("alice@example.test", "carol@remote.test");
        String message = received(1);
        List<String> signatures = fields(message, "DKIM-Signature");
        assertThat(signatures).hasSize(2);
        assertThat(signatures).extracting(s -> tag(s, "a") + " d=" + tag(s, "d"))
                .containsExactlyInAnyOrder("rsa-sha256 d=example.test", "ed25519-sha256 d=example.test");
        // Signed on top of everything we sent, Received included.
        assertThat(message).startsWith("DKIM-Signature:");

        String said = dkimpy(message);
        assertThat(said).as(said).contains("dkim 0 pass example.test", "dkim 1 pass example.test");
        assertThat(ourVerifier(message)).hasSize(2).allMatch(DkimVerdict::passed);
    }

    @Test
    void aRotationByTheCommandLineIsSeenByTheRunningServer() throws Exception {
        submitAsAlice("alice@example.test", "carol@remote.test");
        List<String> before = fields(received(1), "DKIM-Signature").stream().map(f -> tag(f, "s")).sorted().toList();

        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        assertThat(cli.execute("dkim", "rotate", "example.test", "--data", data.toString(), "--set",
                "server.hostname=" + HOST)).as(out.toString()).isZero();
        // The server reads a domain's keys again after 10 seconds (OutboundSigner.KEYS_TTL); its clock moves on.
        clock.advance(Duration.ofMinutes(5));
        submitAsAlice("alice@example.test", "carol@remote.test");
        String message = received(2);
        List<String> after = fields(message, "DKIM-Signature").stream().map(f -> tag(f, "s")).sorted().toList();
        List<String> newest = server.storage().directory().dkimKeys("example.test").stream()
                .filter(k -> k.state() == DkimKeyRecord.State.ACTIVE).map(DkimKeyRecord::selector).sorted().toList();
        assertThat(after).hasSize(2).doesNotContainAnyElementsOf(before).isEqualTo(newest);
        assertThat(server.storage().directory().dkimKeys("example.test")).filteredOn(k -> before.contains(k.selector()))
                .extracting(DkimKeyRecord::state).containsOnly(DkimKeyRecord.State.RETIRED);
        assertThat(dkimpy(message)).contains("dkim 0 pass example.test", "dkim 1 pass example.test");
    }

    @Test
    void aMessageToTwoDomainsIsSignedOnceAndTheSameForBoth() throws Exception {
        submitAsAlice("alice@example.test", "carol@remote.test, dave@other.test");
        String first = received(1);
        String second = received(2);
        assertThat(fields(first, "DKIM-Signature")).hasSize(2).isEqualTo(fields(second, "DKIM-Signature"));
    }

    /** A message from another server, as an alias forwards it; it carries our Authentication-Results. */
    private static String fromOutside(String from, String id) {
        // Our inbound checks add the Authentication-Results; given here too, so that this test does not depend on them.
        return "Authentication-Results: " + HOST + "; spf=none smtp.mailfrom=outside.test; dkim=none;"
                + " dmarc=none header.from=outside.test\r\n"
                + "From: " + from + "\r\nTo: fwd@example.test\r\nSubject: via an alias\r\n"
                + "Message-ID: <" + id + "@outside.test>\r\nDate: Fri, 04 Dec 2026 10:00:00 +0000\r\n\r\nHello.\r\n";
    }

    @Test
    void forwardedMailIsArcSealedWithTheAliasDomainsKey() throws Exception {
        smtp25(fromOutside("Carol <carol@outside.test>", "fwd1"));
        String sealed = received(1);
        assertThat(fields(sealed, "DKIM-Signature")).isEmpty();
        assertThat(fields(sealed, "ARC-Authentication-Results")).hasSize(1);
        assertThat(fields(sealed, "ARC-Message-Signature")).hasSize(1);
        List<String> seal = fields(sealed, "ARC-Seal");
        assertThat(seal).hasSize(1);
        assertThat(tag(seal.get(0), "i") + " " + tag(seal.get(0), "d") + " " + tag(seal.get(0), "cv"))
                .isEqualTo("1 example.test none");
        assertThat(dkimpy(sealed)).contains("arc pass");
        DnsjavaResolver resolver = new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(5), Clock.systemUTC());
        assertThat(new ArcVerifier(resolver, Clock.systemUTC())
                .verify(new ByteArrayInputStream(sealed.getBytes(StandardCharsets.ISO_8859_1))).result())
                .isEqualTo(ArcVerdict.Result.PASS);
    }

    @Test
    void theSealIsTheAliasDomainsNotTheHostNames() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        assertThat(cli.execute("domain", "add", "lists.test", "--data", data.toString(), "--set",
                "server.hostname=" + HOST)).as(out.toString()).isZero();
        server.storage().directory().addAlias("team@lists.test", "someone@remote.test");
        smtp25("team@lists.test", fromOutside("Carol <carol@outside.test>", "fwd2").replace("fwd@example.test", "team@lists.test"));
        String sealed = received(1);
        assertThat(tag(fields(sealed, "ARC-Seal").get(0), "d")).isEqualTo("lists.test");
        StringBuilder keys = new StringBuilder(Files.readString(publishKeys()));
        for (DkimKeyRecord key : server.storage().directory().dkimKeys("lists.test")) {
            keys.append(key.selector()).append("._domainkey.lists.test\t").append(KeyMaterial.dnsRecord(key)).append('\n');
        }
        Files.writeString(tmp.resolve("keys.txt"), keys);
        assertThat(dkimpyWithKeys(sealed, tmp.resolve("keys.txt"))).contains("arc pass");
    }

    @Test
    void mailFromElsewhereIsNeverDkimSignedByUsEvenWithOurFrom() throws Exception {
        // A forgery of our own domain coming in on port 25 and forwarded by an alias: we must not vouch for it.
        smtp25(fromOutside("alice@example.test", "forged"));
        String out = received(1);
        assertThat(out).contains("Message-ID: <forged@outside.test>");
        assertThat(fields(out, "DKIM-Signature")).isEmpty();
    }

    @Test
    void ourBouncesAreSignedForTheHostNamesDomain() throws Exception {
        // refusing.test's MX (127.0.0.2, same port) refuses every recipient: the bounce goes back to outside.test.
        try (FakeMx refusing = new FakeMx(InetAddress.getByName("127.0.0.2"), mx.port(), FakeMx.Stage.RCPT,
                FakeMx.Fault.PERMANENT)) {
            dns.mx("refusing.test", 10, "mx.refusing.test").a("mx.refusing.test", "127.0.0.2")
                    .mx("outside.test", 10, "mx.remote.test");
            server.storage().directory().addAlias("gone@example.test", "someone@refusing.test");
            smtp25("gone@example.test", "From: carol@outside.test\r\nSubject: to be refused\r\n\r\nHello.\r\n");
            String bounce = received(1);
            assertThat(bounce).contains("From: Mail Delivery System <MAILER-DAEMON@" + HOST + ">");
            List<String> signatures = fields(bounce, "DKIM-Signature");
            assertThat(signatures).hasSize(2).allMatch(f -> tag(f, "d").equals("example.test"));
            assertThat(dkimpy(bounce)).contains("dkim 0 pass example.test", "dkim 1 pass example.test");
        }
    }

    private void smtp25(String message) throws Exception {
        smtp25("fwd@example.test", message);
    }

    /** One message over plain SMTP on port 25, as another server sends it (curl would do; a socket is shorter). */
    private void smtp25(String rcpt, String message) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.addresses().get("smtp").getPort())) {
            s.setSoTimeout(10_000);
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            var out = s.getOutputStream();
            List<String> replies = new ArrayList<>();
            replies.add(reply(in));
            for (String command : new String[] {"EHLO outside.test", "MAIL FROM:<carol@outside.test>",
                    "RCPT TO:<" + rcpt + ">", "DATA"}) {
                out.write((command + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                replies.add(reply(in));
            }
            out.write((message + ".\r\n").getBytes(StandardCharsets.ISO_8859_1));
            replies.add(reply(in));
            out.write("QUIT\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(replies.get(replies.size() - 1)).as(replies.toString()).startsWith("250");
        }
    }

    private static String reply(java.io.BufferedReader in) throws java.io.IOException {
        String line;
        do {
            line = in.readLine();
        } while (line != null && line.length() > 3 && line.charAt(3) == '-');
        return String.valueOf(line);
    }
}
