package org.mailroom.server;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mailroom.core.delivery.RecipientResult;
import org.mailroom.core.mail.Envelope;
import org.mailroom.core.mail.MailAddress;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.Directory;
import org.mailroom.server.admin.StoreOptions;
import org.mailroom.server.config.Config;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code mailroom demo}: the real server on loopback and unprivileged ports, with a fresh data directory,
 * the domain example.test, two users and a welcome message each, so a new user can try every protocol.
 */
@Command(name = "demo", description = "Run a demo server on 127.0.0.1 (SMTP 2525, submission 2587/2465, POP3 2110/2995, IMAP 2143/2993, ManageSieve 2190) with example users.")
final class DemoCommand implements Callable<Integer> {

    static final String DOMAIN = "example.test";
    static final List<String> USERS = List.of("alice@" + DOMAIN, "bob@" + DOMAIN);
    static final String PASSWORD = "demo";

    /** The demo's listeners; --set overrides them (tests use port 0). */
    static final Map<String, String> DEMO_LISTENERS = Map.of(
            "listen.smtp", "\"127.0.0.1:2525\"",
            "listen.pop3", "\"127.0.0.1:2110\"",
            "listen.submission", "\"127.0.0.1:2587\"",
            "listen.submissions", "\"127.0.0.1:2465\"",
            "listen.imap", "\"127.0.0.1:2143\"",
            "listen.imaps", "\"127.0.0.1:2993\"",
            "listen.pop3s", "\"127.0.0.1:2995\"",
            "listen.managesieve", "\"127.0.0.1:2190\"",
            "listen.admin", "\"127.0.0.1:2080\"");

    @Mixin
    StoreOptions options;

    @Override
    public Integer call() throws Exception {
        if (!options.dataDirGiven()) options.useDataDir(Files.createTempDirectory("mailroom-demo-"));
        DEMO_LISTENERS.forEach(options::setDefault);
        options.setDefault("server.hostname", "\"localhost\"");
        Config config = ServeCommand.loadConfig(options);
        if (config == null) return 1;
        return ServeCommand.runUntilStopped(config, options::config, server -> {
            populate(server);
            printHowToConnect(server, System.out);
        });
    }

    /** The demo domain, users and welcome messages; safe to run again on the same data directory. */
    static void populate(Server server) throws IOException {
        Directory directory = server.storage().directory();
        directory.addDomain(DOMAIN);
        List<String> existing = directory.accounts();
        for (String user : USERS) {
            if (existing.contains(user)) continue;
            directory.addAccount(user, PASSWORD.toCharArray());
            welcome(server, user);
        }
    }

    private static void welcome(Server server, String user) throws IOException {
        Instant now = Instant.now();
        String date = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT)
                .withZone(ZoneOffset.UTC).format(now);
        String text = "From: Mailroom <postmaster@" + DOMAIN + ">\r\n"
                + "To: <" + user + ">\r\n"
                + "Subject: Welcome to Mailroom\r\n"
                + "Date: " + date + "\r\n"
                + "Message-ID: <welcome." + now.toEpochMilli() + "." + user.replace('@', '.') + ">\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "\r\n"
                + "Hello " + user + ",\r\n"
                + "\r\n"
                + "this message was stored by Mailroom's local delivery. Send yourself another one over\r\n"
                + "SMTP and read both back over POP3: the demo prints how.\r\n";
        BlobStore blobs = server.storage().blobStore();
        String blobId;
        long size;
        try (BlobStore.BlobWriter w = blobs.create()) {
            w.write(("Return-Path: <>\r\n" + text).getBytes(StandardCharsets.UTF_8));
            size = w.size();
            blobId = w.commit();
        }
        Envelope envelope = new Envelope("welcome", null, List.of(MailAddress.parse(user)), "localhost",
                "127.0.0.1", now);
        for (RecipientResult r : server.router().deliver(envelope, blobId, size)) {
            if (!r.accepted()) throw new IOException("welcome message to " + user + " failed: " + r.where());
        }
    }

    static void printHowToConnect(Server server, PrintStream out) {
        InetSocketAddress smtp = server.addresses().get("smtp");
        InetSocketAddress pop3 = server.addresses().get("pop3");
        out.println();
        out.println("Mailroom demo is running. Data directory: "
                + server.dataDir().toAbsolutePath());
        out.println("Domain " + DOMAIN + ", users " + String.join(" and ", USERS) + ", password '" + PASSWORD + "'.");
        out.println();
        if (smtp != null) {
            out.println("SMTP   " + hostPort(smtp) + "   send a message:");
            out.println("  printf 'Subject: hello\\r\\n\\r\\nHi Alice!\\r\\n' | curl -s smtp://" + hostPort(smtp)
                    + " --mail-from bob@" + DOMAIN + " --mail-rcpt alice@" + DOMAIN + " --upload-file -");
        }
        InetSocketAddress submission = server.addresses().get("submission");
        if (submission != null) {
            out.println("Submission " + hostPort(submission) + " (STARTTLS + AUTH; 465-style implicit TLS on "
                    + hostPort(server.addresses().get("submissions")) + "), send as alice:");
            out.println("  printf 'From: alice@" + DOMAIN + "\\r\\nSubject: hi Bob\\r\\n\\r\\nHello!\\r\\n' | curl -s --ssl-reqd -k smtp://"
                    + hostPort(submission) + " --user alice@" + DOMAIN + ":" + PASSWORD + " --mail-from alice@" + DOMAIN
                    + " --mail-rcpt bob@" + DOMAIN + " --upload-file -");
        }
        if (pop3 != null) {
            out.println("POP3   " + hostPort(pop3) + "   list and read:");
            out.println("  curl -s pop3://alice%40" + DOMAIN + ":" + PASSWORD + "@" + hostPort(pop3) + "/");
            out.println("  curl -s pop3://alice%40" + DOMAIN + ":" + PASSWORD + "@" + hostPort(pop3) + "/1");
        }
        InetSocketAddress imap = server.addresses().get("imap");
        if (imap != null) {
            out.println("IMAP   " + hostPort(imap) + "   list folders and read the first message:");
            out.println("  curl -s imap://alice%40" + DOMAIN + ":" + PASSWORD + "@" + hostPort(imap) + "/");
            out.println("  curl -s 'imap://alice%40" + DOMAIN + ":" + PASSWORD + "@" + hostPort(imap) + "/INBOX;MAILINDEX=1'");
        }
        InetSocketAddress imaps = server.addresses().get("imaps");
        if (imaps != null) {
            out.println("IMAPS  " + hostPort(imaps) + "   the same over TLS (self-signed certificate, hence -k):");
            out.println("  curl -s -k imaps://alice%40" + DOMAIN + ":" + PASSWORD + "@" + hostPort(imaps) + "/");
        }
        InetSocketAddress managesieve = server.addresses().get("managesieve");
        if (managesieve != null) {
            out.println("ManageSieve " + hostPort(managesieve) + "   upload and activate a filter (Debian's sieve-connect):");
            out.println("  printf 'require [\"fileinto\", \"mailbox\"];\\nif header :contains \"subject\" \"hello\" { fileinto :create \"Hello\"; }\\n' > /tmp/demo.sieve");
            String connect = "  echo " + PASSWORD + " | sieve-connect --notlsverify -s " + managesieve.getAddress().getHostAddress()
                    + " -p " + managesieve.getPort() + " -u alice@" + DOMAIN + " --passwordfd 0";
            out.println(connect + " --upload --localsieve /tmp/demo.sieve --remotesieve demo");
            out.println(connect + " --activate --remotesieve demo");
            out.println("  ./mailroom sieve list alice@" + DOMAIN + " --data " + server.dataDir().toAbsolutePath());
        }
        InetSocketAddress admin = server.addresses().get("admin");
        if (admin != null) {
            out.println("Admin  " + hostPort(admin) + "   health, metrics, and the API with a token (docs/admin-api.md):");
            out.println("  curl -s http://" + hostPort(admin) + "/metrics | grep mailroom_");
            out.println("  TOKEN=$(./mailroom admin token add demo --data " + server.dataDir().toAbsolutePath() + " | head -1)");
            out.println("  curl -s -H \"Authorization: Bearer $TOKEN\" http://" + hostPort(admin) + "/api/users");
            out.println("  web console: http://" + hostPort(admin) + "/ (log in with that token)");
        }
        out.println();
        out.println("Mail client: incoming " + (imap == null ? "" : "IMAP " + hostPort(imap) + " or ") + "POP3 " + (pop3 == null ? "-" : hostPort(pop3))
                + " with STARTTLS"
                + ", outgoing " + (submission == null ? "-" : hostPort(submission) + " with STARTTLS")
                + " (self-signed certificate), user name = full address. Press Ctrl-C to stop.");
        out.flush();
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
