package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.DkimKeyRecord;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.Mailbox;
import org.mailroom.core.store.MessageRecord;
import org.mailroom.delivery.signing.KeyMaterial;
import org.mailroom.delivery.testing.TestDnsServer;
import org.mailroom.server.admin.StoreOptions;
import org.mailroom.server.config.Config;
import picocli.CommandLine;

/**
 * The crowning test of issue 13: Mailroom A (a.test) signs, Mailroom B (b.test) verifies. a.test's keys are made by
 * {@code mailroom domain add} on A; our DNS server publishes them with a.test's SPF and DMARC records and b.test's
 * MX; alice@a.test submits to A, A's queue delivers to B over SMTP, and B stores the message with dkim, spf and
 * dmarc all "pass" in its Authentication-Results field.
 */
class MailroomSignsMailroomVerifiesTest {

    @TempDir
    Path dirA;
    @TempDir
    Path dirB;

    TestDnsServer dns;
    Server nodeA;
    Server nodeB;

    @AfterEach
    void stop() {
        if (nodeA != null) nodeA.close();
        if (nodeB != null) nodeB.close();
        if (dns != null) dns.close();
    }

    private Server node(Path dir, String hostname, Map<String, String> extra) throws IOException {
        Map<String, String> o = new HashMap<>();
        o.put("server.hostname", "\"" + hostname + "\"");
        o.put("server.data_dir", StoreOptions.tomlString(dir.toString()));
        for (String key : new String[] {"smtp", "pop3", "submission", "submissions", "imap", "imaps", "pop3s", "managesieve", "admin"}) {
            o.put("listen." + key, "\"\"");
        }
        o.put("listen.smtp", "\"127.0.0.1:0\"");
        o.put("dns.servers", "[\"127.0.0.1:" + dns.address().getPort() + "\"]");
        o.put("auth.verify", "true");
        o.putAll(extra);
        return Server.start(Config.load(Optional.empty(), o));
    }

    /** {@code mailroom ARGS --data DIR}, in-process as the CLI runs it beside a serving node. */
    private static void mailroom(Path data, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = org.mailroom.server.Main.commandLine();
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));
        String[] withData = new String[args.length + 2];
        System.arraycopy(args, 0, withData, 0, args.length);
        withData[args.length] = "--data";
        withData[args.length + 1] = data.toString();
        assertThat(cli.execute(withData)).as("mailroom %s: %s", String.join(" ", args), err).isZero();
    }

    @Test
    void aSignsBVerifiesDkimSpfAndDmarcPass() throws Exception {
        dns = TestDnsServer.start();
        dns.mx("b.test", 10, "mx.b.test").a("mx.b.test", "127.0.0.1")
                .txt("a.test", "v=spf1 ip4:127.0.0.1 -all")
                .txt("_dmarc.a.test", "v=DMARC1; p=reject");
        nodeB = node(dirB, "mx.b.test", Map.of());
        nodeB.storage().directory().addDomain("b.test");
        nodeB.storage().directory().addAccount("bob@b.test", "secret".toCharArray());
        nodeA = node(dirA, "mx.a.test", Map.of("listen.submission", "\"127.0.0.1:0\"",
                "smtp.submission_plaintext_auth", "true",
                "outbound.port", String.valueOf(nodeB.addresses().get("smtp").getPort())));

        // The domain's keys are made as an operator makes them, and published as 'mailroom dns records' prints them.
        mailroom(dirA, "domain", "add", "a.test");
        nodeA.storage().directory().addAccount("alice@a.test", "secret".toCharArray());
        List<DkimKeyRecord> keys = nodeA.storage().directory().dkimKeys("a.test");
        assertThat(keys).extracting(DkimKeyRecord::algorithm)
                .contains(DkimKeyRecord.RSA_SHA256, DkimKeyRecord.ED25519_SHA256);
        for (DkimKeyRecord key : keys) dns.txt(key.selector() + "._domainkey.a.test", KeyMaterial.dnsRecord(key));

        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(nodeA.addresses().get("submission").getPort()));
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.localhost", "laptop.a.test");
        props.put("mail.smtp.timeout", "10000");
        MimeMessage m = new MimeMessage(Session.getInstance(props));
        m.setFrom(new InternetAddress("alice@a.test"));
        m.setRecipients(Message.RecipientType.TO, InternetAddress.parse("bob@b.test"));
        m.setSubject("signed by A, verified by B");
        m.setText("Hello Bob,\n.a dot line\nAlice\n");
        Transport.send(m, "alice@a.test", "secret");

        await().atMost(Duration.ofSeconds(30)).until(() -> stored(nodeB, "bob@b.test") != null);
        String got = stored(nodeB, "bob@b.test");
        Matcher ar = Pattern.compile("(?m)^Authentication-Results:[ \t]*(mx\\.b\\.test;(?:[^\r\n]|\r\n[ \t])*)").matcher(got);
        assertThat(ar.find()).as("B's Authentication-Results in:\n%s", got).isTrue();
        String results = ar.group(1).replaceAll("\r\n[ \t]+", " ");
        assertThat(results).contains("dkim=pass").contains("header.d=a.test").contains("spf=pass")
                .contains("dmarc=pass");
        assertThat(got).contains("Subject: signed by A, verified by B").contains("DKIM-Signature:");
    }

    /** The one message in the account's INBOX, or null while there is none. */
    private static String stored(Server node, String account) throws IOException {
        MailStore store = node.storage().mailStore();
        Optional<Mailbox> inbox = store.mailbox(account, Mailbox.INBOX);
        if (inbox.isEmpty()) return null;
        List<MessageRecord> messages = store.messages(inbox.get().id());
        if (messages.isEmpty()) return null;
        try (InputStream in = node.storage().blobStore().open(messages.get(0).blobId())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
