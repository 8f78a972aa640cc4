package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.Directory;
import org.mailroom.delivery.testing.TestDnsServer;
import org.mailroom.server.admin.StoreOptions;
import org.mailroom.server.config.Config;

/**
 * Interop with a real Postfix (Debian's, run as a private instance, see {@link PostfixInstance}), both ways:
 * <ul>
 *   <li>Mailroom's queue sends to Postfix's smtpd (Mailroom's {@code outbound.relay_host}) over STARTTLS, with
 *       PIPELINING and 8BITMIME, in BDAT chunks while Postfix offers CHUNKING and with DATA once it does not;
 *       Postfix's log and the Maildir it delivered into show TLS, the commands used and the 8-bit body intact.</li>
 *   <li>Postfix relays to Mailroom ({@code relayhost = [127.0.0.1]:port}) over STARTTLS; the message is read back
 *       from Mailroom over IMAP, 8-bit body intact. Postfix's SMTP client has no CHUNKING (3.7 sends DATA
 *       whatever the server offers), so BDAT is checked in the other direction.</li>
 * </ul>
 * Skipped only where Postfix is not installed (or not startable: not root) and CI is not set; under CI it fails.
 */
class PostfixInteropTest {

    static final String BODY_8BIT = "Grüße aus Köln, déjà vu: 8 bits intact";

    @TempDir
    static Path data;
    static TestDnsServer dns;
    static Server mailroom;
    static PostfixInstance postfix;

    @BeforeAll
    static void start() throws Exception {
        String why = PostfixInstance.unavailable();
        if (why != null) {
            if (System.getenv("CI") != null) Assertions.fail("Postfix is required under CI: " + why);
            Assumptions.abort(why);
        }
        int postfixPort = TestPorts.freeBelowEphemeralRange();
        dns = TestDnsServer.start(); // every name NXDOMAIN at once: no look-up waits for the machine's resolver
        Map<String, String> o = new HashMap<>();
        o.put("server.hostname", "\"mx.a.test\"");
        o.put("server.data_dir", StoreOptions.tomlString(data.toString()));
        o.put("listen.smtp", "\"127.0.0.1:0\"");
        o.put("listen.imap", "\"127.0.0.1:0\"");
        for (String key : new String[] {"pop3", "submission", "submissions", "imaps", "pop3s", "managesieve", "admin"}) {
            o.put("listen." + key, "\"\"");
        }
        o.put("dns.servers", "[\"127.0.0.1:" + dns.address().getPort() + "\"]");
        o.put("outbound.relay_host", "\"127.0.0.1:" + postfixPort + "\"");
        mailroom = Server.start(Config.load(Optional.empty(), o));
        Directory d = mailroom.storage().directory();
        d.addDomain("a.test");
        d.addAccount("alice@a.test", "secret".toCharArray());
        d.addAlias("pf@a.test", "bob@" + PostfixInstance.DOMAIN);
        postfix = PostfixInstance.start(postfixPort, "[127.0.0.1]:" + mailroom.addresses().get("smtp").getPort());
    }

    @AfterAll
    static void stop() {
        try {
            if (postfix != null) postfix.close();
        } finally {
            if (mailroom != null) mailroom.close();
            if (dns != null) dns.close();
        }
    }

    @Test
    void mailroomSendsToPostfixOverStartTlsWithPipeliningAnd8BitMimeInBdatThenInData() throws Exception {
        // CHUNKING offered (Postfix's default): the message goes in BDAT chunks.
        String first = sendThroughMailroom();
        String stats = awaitDisconnectStats(first);
        assertThat(stats).contains("ehlo=2", "starttls=1", "mail=1", "rcpt=1", "bdat=1", "quit=1").doesNotContain("data=");
        assertDeliveredByPostfix(first);

        // CHUNKING withdrawn: the same over DATA.
        postfix.set("smtpd_discard_ehlo_keywords = chunking");
        String second = sendThroughMailroom();
        stats = awaitDisconnectStats(second);
        assertThat(stats).contains("ehlo=2", "starttls=1", "mail=1", "rcpt=1", "data=1", "quit=1").doesNotContain("bdat=");
        assertDeliveredByPostfix(second);
        postfix.set("smtpd_discard_ehlo_keywords =");

        // Postfix offered PIPELINING and never saw a command pipelined where it may not be (MAIL, RCPT and DATA
        // go as one group; BDAT, EHLO after STARTTLS and QUIT wait for their replies).
        assertThat(postfix.log()).doesNotContain("improper command pipelining");
        assertThat(mailroom.storage().mailQueue().list()).isEmpty();
    }

    @Test
    void postfixRelaysToMailroomOverStartTlsAndTheMessageIsReadOverImap() throws Exception {
        String token = UUID.randomUUID().toString();
        int mailroomPort = mailroom.addresses().get("smtp").getPort();
        smtpSend(postfix.port, "carol@" + PostfixInstance.DOMAIN, "alice@a.test", token);

        // Postfix's log: a TLS session to Mailroom and the message sent.
        await().atMost(Duration.ofSeconds(30)).until(() -> postfix.log().contains("to=<alice@a.test>, relay=127.0.0.1[127.0.0.1]:" + mailroomPort));
        String log = postfix.log();
        assertThat(log).containsPattern("TLS connection established to 127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:" + mailroomPort + ": TLSv1\\.[23]");
        assertThat(log).containsPattern("to=<alice@a\\.test>, relay=127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:" + mailroomPort
                + ",.* status=sent \\(250 ");

        // Read back from Mailroom over IMAP (Angus Mail): the 8-bit text as sent, Received by Mailroom over TLS.
        Properties props = new Properties();
        props.put("mail.imap.host", "127.0.0.1");
        props.put("mail.imap.port", String.valueOf(mailroom.addresses().get("imap").getPort()));
        props.put("mail.imap.timeout", "10000");
        Store store = Session.getInstance(props).getStore("imap");
        store.connect("alice@a.test", "secret");
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            byte[] raw = null;
            for (Message m : inbox.getMessages()) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                m.writeTo(out);
                if (out.toString(StandardCharsets.UTF_8).contains(token)) raw = out.toByteArray();
            }
            inbox.close(false);
            assertThat(raw).as("the message relayed by Postfix is in alice's INBOX").isNotNull();
            String text = new String(raw, StandardCharsets.UTF_8);
            assertThat(text).contains(BODY_8BIT);
            assertThat(text).containsPattern("Received: from " + Pattern.quote(PostfixInstance.DOMAIN)
                    + "[^\\n]*\\n(\\s[^\\n]*\\n)*?\\s[^\\n]*with ESMTPS");
            assertThat(text).contains("by " + PostfixInstance.DOMAIN + " (Postfix)");
        } finally {
            store.close();
        }
    }

    /** alice@a.test writes to pf@a.test, Mailroom's alias of bob@postfix.test: queued, then sent to Postfix. */
    private static String sendThroughMailroom() throws IOException {
        String token = UUID.randomUUID().toString();
        smtpSend(mailroom.addresses().get("smtp").getPort(), "alice@a.test", "pf@a.test", token);
        return token;
    }

    /** Waits for Postfix's delivery of {@code token} and returns the stats of the smtpd session that got it. */
    private static String awaitDisconnectStats(String token) throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> deliveredWith(token) != null);
        // The queue id Postfix gave the message, then the end of that smtpd session (Mailroom's client keeps an
        // idle connection for a few seconds before QUIT).
        String queueId = new String(deliveredWith(token), StandardCharsets.ISO_8859_1)
                .replaceAll("(?s).*with ESMTPS id ([0-9A-F]+).*", "$1");
        assertThat(queueId).matches("[0-9A-F]+");
        var disconnect = Pattern.compile("smtpd\\[(\\d+)\\]: " + queueId + ": client=");
        await().atMost(Duration.ofSeconds(30)).until(() -> disconnectLine(disconnect) != null);
        return disconnectLine(disconnect);
    }

    /** The "disconnect from ..." line of the smtpd process that logged the queue id, once logged. */
    private static String disconnectLine(Pattern clientLine) throws IOException {
        String log = postfix.log();
        var m = clientLine.matcher(log);
        if (!m.find()) return null;
        String pid = m.group(1);
        var disconnect = Pattern.compile("smtpd\\[" + pid + "\\]: disconnect from [^\\n]*").matcher(log);
        return disconnect.find(m.end()) ? disconnect.group() : null;
    }

    private static byte[] deliveredWith(String token) throws IOException {
        for (byte[] m : postfix.delivered()) {
            if (new String(m, StandardCharsets.ISO_8859_1).contains(token)) return m;
        }
        return null;
    }

    /** Postfix delivered it: received over TLS, the 8-bit body byte for byte. */
    private static void assertDeliveredByPostfix(String token) throws IOException {
        String text = new String(deliveredWith(token), StandardCharsets.UTF_8);
        assertThat(text).contains("Delivered-To: bob@" + PostfixInstance.DOMAIN);
        assertThat(text).containsPattern("Received: from mx\\.a\\.test \\(localhost \\[127\\.0\\.0\\.1\\]\\)\\s+"
                + "\\(using TLSv1\\.[23] with cipher ");
        assertThat(text).contains("by " + PostfixInstance.DOMAIN + " (Postfix) with ESMTPS id");
        assertThat(text).contains("Content-Transfer-Encoding: 8bit");
        assertThat(text).contains("\n\n" + BODY_8BIT + "\n"); // Maildir files end lines in LF
    }

    /**
     * One message over plain SMTP with BODY=8BITMIME (the server must offer 8BITMIME), with {@code token} in its
     * subject and {@link #BODY_8BIT} as its body.
     */
    private static void smtpSend(int port, String from, String to, String token) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            expect(in, "220");
            send(out, "EHLO client.test");
            List<String> ehlo = expect(in, "250");
            assertThat(ehlo).anyMatch(l -> l.substring(4).equals("8BITMIME"));
            send(out, "MAIL FROM:<" + from + "> BODY=8BITMIME");
            expect(in, "250");
            send(out, "RCPT TO:<" + to + ">");
            expect(in, "250");
            send(out, "DATA");
            expect(in, "354");
            String message = "From: <" + from + ">\r\nTo: <" + to + ">\r\nSubject: interop " + token + "\r\n"
                    + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    + "Content-Transfer-Encoding: 8bit\r\n\r\n" + BODY_8BIT + "\r\n.\r\n";
            out.write(message.getBytes(StandardCharsets.UTF_8));
            out.flush();
            expect(in, "250");
            send(out, "QUIT");
            expect(in, "221");
        }
    }

    private static void send(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Reads one (multi-line) reply and checks its code; returns its lines. */
    private static List<String> expect(BufferedReader in, String code) throws IOException {
        List<String> lines = new java.util.ArrayList<>();
        String line;
        do {
            line = in.readLine();
            if (line == null) throw new IOException("connection closed; expected " + code + " after " + lines);
            lines.add(line);
        } while (line.length() > 3 && line.charAt(3) == '-');
        assertThat(line).as("reply").startsWith(code);
        return lines;
    }
}
