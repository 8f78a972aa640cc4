package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.Mailbox;
import org.mailroom.delivery.testing.TestDnsServer;

/**
 * Mail from other servers on port 25, checked end to end: messages signed by an independent signer (dkimpy,
 * Debian's python3-dkim, run by /usr/bin/python3) and sent with python's smtplib from 127.0.0.1, with SPF, DKIM
 * and DMARC records served by our test DNS server; what was stored is read back over IMAP (Angus Mail).
 *
 * <p>Domains: good.test (SPF allows 127.0.0.1, DKIM key, p=reject), bank.test (p=reject, sends nothing from
 * here), shop.test (p=quarantine, likewise), forger.test (SPF allows 127.0.0.1, its own key: it signs and sends
 * in others' names), slow.test (its DNS never answers).
 */
class InboundAuthEndToEndTest {

    private static final String HOST = "mx.example.test";

    @TempDir
    static Path keys;
    @TempDir
    Path data;

    static String goodKeyRecord;
    static String forgerKeyRecord;
    TestDnsServer dns;
    TestServer server;

    @BeforeAll
    static void makeKeys() throws Exception {
        requireTools();
        Programs.run(null, "/usr/bin/dknewkey", keys.resolve("good").toString());
        Programs.run(null, "/usr/bin/dknewkey", keys.resolve("forger").toString());
        goodKeyRecord = Files.readString(keys.resolve("good.dns")).trim();
        forgerKeyRecord = Files.readString(keys.resolve("forger.dns")).trim();
    }

    /** dkimpy comes from the Debian archive (python3-dkim): CI must install it, so there its absence fails. */
    private static void requireTools() {
        boolean present = Files.isExecutable(Path.of("/usr/bin/dknewkey")) && Files.isExecutable(Path.of("/usr/bin/python3"));
        if (!present && System.getenv("CI") == null) {
            org.junit.jupiter.api.Assumptions.abort("python3-dkim is not installed (apt-get install python3-dkim)");
        }
        assertThat(present).as("/usr/bin/dknewkey and /usr/bin/python3 (Debian python3-dkim)").isTrue();
    }

    @BeforeEach
    void startDns() throws IOException {
        dns = TestDnsServer.start();
        dns.txt("good.test", "v=spf1 ip4:127.0.0.1 -all")
                .txt("sel._domainkey.good.test", goodKeyRecord)
                .txt("_dmarc.good.test", "v=DMARC1; p=reject")
                .txt("bank.test", "v=spf1 -all")
                .txt("_dmarc.bank.test", "v=DMARC1; p=reject")
                .txt("shop.test", "v=spf1 -all")
                .txt("_dmarc.shop.test", "v=DMARC1; p=quarantine")
                .txt("forger.test", "v=spf1 ip4:127.0.0.1 -all")
                .txt("sel._domainkey.forger.test", forgerKeyRecord)
                .silent("slow.test").silent("_dmarc.slow.test").silent("sel._domainkey.slow.test");
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        dns.close();
    }

    private void start(Map<String, String> extra) throws IOException {
        Map<String, String> o = new HashMap<>();
        o.put("auth.verify", "true");
        // The clients here send from 127.0.0.1, which the default exempts from enforcement (local programs).
        o.put("auth.trusted_networks", "[]");
        o.put("dns.servers", "[\"127.0.0.1:" + dns.address().getPort() + "\"]");
        o.putAll(extra);
        server = TestServer.start(data, o);
    }

    private static String message(String from, String subject) {
        return "From: " + from + "\r\nTo: alice@example.test\r\nSubject: " + subject
                + "\r\nDate: Fri, 4 Dec 2026 16:00:00 +0000\r\nMessage-ID: <" + subject.replace(' ', '.') + "@test>\r\n\r\n"
                + "Hello Alice,\r\nthis was signed before it left.\r\n.a line with a leading dot\r\n";
    }

    /** Signs with {@code keyName}'s key as selector "sel" of {@code domain}, sends; returns the server's answer. */
    private String send(String keyName, String domain, String mailFrom, String message, boolean tamper) throws Exception {
        return send(keyName, domain, mailFrom, "alice@example.test", message, tamper);
    }

    private String send(String keyName, String domain, String mailFrom, String rcpts, String message, boolean tamper)
            throws Exception {
        Path script = Path.of(getClass().getResource("/interop/dkim_send.py").toURI());
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", script.toString(), "127.0.0.1",
                String.valueOf(server.smtp().getPort()), keys.resolve(keyName + ".key").toString(), "sel", domain,
                mailFrom, rcpts));
        if (tamper) command.add("tamper");
        return Programs.run(message, command).trim();
    }

    @Test
    void signedMailFromAnAuthorizedAddressPassesSpfDkimAndDmarc() throws Exception {
        start(Map.of());
        assertThat(send("good", "good.test", "news@good.test", message("News <news@good.test>", "all good"), false))
                .startsWith("250");
        String stored = lastMessage("INBOX");
        String results = ourResults(stored);
        assertThat(results).startsWith(HOST + ";").contains("spf=pass").contains("dkim=pass").contains("dmarc=pass")
                .contains("header.d=good.test");
        // Our trace fields first, then the results, then the message as the client sent it.
        assertThat(stored).startsWith("Return-Path: <news@good.test>\r\nReceived: from client.good.test");
        assertThat(stored.indexOf("Authentication-Results:")).isLessThan(stored.indexOf("DKIM-Signature:"));
        assertThat(stored).contains("\r\n\r\nHello Alice,");
    }

    @Test
    void forgedFromOfARejectDomainIsRefusedAndNothingIsStored() throws Exception {
        start(Map.of("store.inline_blob_max", "0")); // every blob a file: "no blob left" is a directory listing
        long before = blobFiles();
        String answer = send("forger", "forger.test", "bulk@forger.test", message("Bank <security@bank.test>", "pay now"), false);
        assertThat(answer).startsWith("550").contains("5.7.1");
        assertThat(inboxCount()).isZero();
        assertThat(blobFiles()).isEqualTo(before);
    }

    @Test
    void aLocalProgramIsCheckedButNotRefused() throws Exception {
        start(Map.of("auth.trusted_networks", "[\"127.0.0.0/8\"]"));
        String answer = send("forger", "forger.test", "bulk@forger.test", message("Bank <security@bank.test>", "nightly report"), false);
        assertThat(answer).startsWith("250");
        String stored = lastMessage("INBOX");
        assertThat(ourResults(stored)).contains("dmarc=fail");
    }

    @Test
    void forgedFromOfAQuarantineDomainGoesToJunk() throws Exception {
        start(Map.of());
        assertThat(send("forger", "forger.test", "bulk@forger.test", message("Shop <orders@shop.test>", "your order"), false))
                .startsWith("250");
        assertThat(inboxCount()).isZero();
        String junk = lastMessage("Junk");
        assertThat(junk).contains("Subject: your order");
        assertThat(ourResults(junk)).contains("dmarc=fail");
        // The Junk mailbox was made with its special-use attribute, as IMAP would have made it.
        assertThat(server.server.storage().mailStore().specialUses("alice@example.test")).containsEntry("Junk", "\\Junk");
    }

    @Test
    void aQuarantinedMessageForwardedByAnAliasIsQueuedAsUsual() throws Exception {
        // fwd@example.test forwards to someone@elsewhere.test, whose MX refuses connections: the copy stays queued.
        dns.mx("elsewhere.test", 10, "mx.elsewhere.test").a("mx.elsewhere.test", "127.0.0.9");
        start(Map.of("outbound.port", String.valueOf(TestPorts.freeBelowEphemeralRange())));
        assertThat(send("forger", "forger.test", "bulk@forger.test", "alice@example.test,fwd@example.test",
                message("Shop <orders@shop.test>", "forwarded order"), false)).startsWith("250");
        assertThat(lastMessage("Junk")).contains("Subject: forwarded order");
        assertThat(server.server.storage().mailQueue().list()).singleElement()
                .satisfies(e -> assertThat(e.recipients()).extracting(r -> r.address()).containsExactly("someone@elsewhere.test"));
    }

    @Test
    void aBodyChangedAfterSigningFailsDkim() throws Exception {
        start(Map.of());
        // SPF passes and is aligned, so DMARC passes: the message is kept, with the broken signature noted.
        assertThat(send("good", "good.test", "news@good.test", message("news@good.test", "changed"), true))
                .startsWith("250");
        String stored = lastMessage("INBOX");
        assertThat(stored).contains("Jello Alice");
        assertThat(ourResults(stored)).contains("dkim=fail").contains("spf=pass").contains("dmarc=pass");
    }

    @Test
    void aDnsTimeoutIsTemperrorAndTheMailIsAcceptedWithinTheCommandTimeout() throws Exception {
        // SPF, the DKIM key and DMARC each wait for the resolver's timeout (5 s), within the checks' own budget;
        // the session's reply must come before its command timeout would have closed it.
        start(Map.of("limits.command_timeout", "\"45s\""));
        long started = System.nanoTime();
        assertThat(send("good", "slow.test", "someone@slow.test", message("someone@slow.test", "slow dns"), false))
                .startsWith("250");
        assertThat(System.nanoTime() - started).isLessThan(45_000_000_000L);
        assertThat(ourResults(lastMessage("INBOX"))).contains("temperror");
    }

    @Test
    void aDnsTimeoutIs451WhenConfigured() throws Exception {
        start(Map.of("auth.tempfail_on_dns_error", "true", "limits.command_timeout", "\"45s\""));
        String answer = send("good", "slow.test", "someone@slow.test", message("someone@slow.test", "slow dns"), false);
        assertThat(answer).startsWith("451").contains("4.7.0");
        assertThat(inboxCount()).isZero();
    }

    @Test
    void incomingResultsUnderOurNameAreRemovedAndOthersKept() throws Exception {
        start(Map.of());
        String forged = "Authentication-Results: " + HOST + "; dkim=pass header.d=bank.test\r\n"
                + "Authentication-Results: mx.elsewhere.test;\r\n\tspf=pass smtp.mailfrom=good.test\r\n"
                + message("news@good.test", "forged results");
        assertThat(send("good", "good.test", "news@good.test", forged, false)).startsWith("250");
        String stored = lastMessage("INBOX");
        assertThat(stored).doesNotContain("header.d=bank.test")
                .contains("Authentication-Results: mx.elsewhere.test;\r\n\tspf=pass smtp.mailfrom=good.test\r\n");
        assertThat(Pattern.compile("(?im)^Authentication-Results:\\s*" + Pattern.quote(HOST)).matcher(stored).results().count())
                .isEqualTo(1);
        // Removing a field we did not sign over keeps the sender's signature good for the next hop too.
        assertThat(ourResults(stored)).contains("dkim=pass");
    }

    @Test
    void submittedMailIsNotChecked() throws Exception {
        start(Map.of("smtp.submission_plaintext_auth", "true"));
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(server.submission().getPort()));
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.timeout", "10000");
        Session session = Session.getInstance(props);
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("bob@example.test"));
        m.setRecipients(Message.RecipientType.TO, InternetAddress.parse("alice@example.test"));
        m.setSubject("from bob");
        m.setText("hi\n");
        Transport.send(m, "bob@example.test", TestServer.PASSWORD);
        String stored = lastMessage("INBOX");
        assertThat(stored).contains("Subject: from bob").doesNotContainIgnoringCase("Authentication-Results");
    }

    /** The value of the one Authentication-Results field under our name, unfolded. */
    private static String ourResults(String stored) {
        Matcher m = Pattern.compile("(?m)^Authentication-Results:[ \t]*(" + Pattern.quote(HOST) + ";(?:[^\r\n]|\r\n[ \t])*)")
                .matcher(stored);
        assertThat(m.find()).as("an Authentication-Results field of ours in:\n%s", stored).isTrue();
        return m.group(1).replaceAll("\r\n[ \t]+", " ");
    }

    /** The newest message of alice's mailbox, read over IMAP. */
    private String lastMessage(String folder) throws Exception {
        Properties props = new Properties();
        props.put("mail.imap.timeout", "10000");
        props.put("mail.imap.connectiontimeout", "10000");
        Store store = Session.getInstance(props).getStore("imap");
        store.connect("127.0.0.1", server.imap().getPort(), "alice@example.test", TestServer.PASSWORD);
        try {
            Folder f = store.getFolder(folder);
            f.open(Folder.READ_ONLY);
            try {
                assertThat(f.getMessageCount()).as("messages in %s", folder).isPositive();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                f.getMessage(f.getMessageCount()).writeTo(out);
                return out.toString(StandardCharsets.UTF_8);
            } finally {
                f.close(false);
            }
        } finally {
            store.close();
        }
    }

    private int inboxCount() throws IOException {
        return server.server.storage().mailStore().mailbox("alice@example.test", Mailbox.INBOX)
                .map(Mailbox::messages).orElse(0);
    }

    private long blobFiles() throws IOException {
        try (Stream<Path> files = Files.walk(data.resolve("blobs"))) {
            return files.filter(Files::isRegularFile).count();
        }
    }
}
