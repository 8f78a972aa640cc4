package org.mailroom.server;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private instance of Debian's Postfix for interop tests: its own config, queue and data directories under one
 * temporary directory, smtpd on one loopback port, a log file ({@code maillog_file}) and one virtual domain,
 * {@code postfix.test}, whose every address is delivered into the Maildir {@code mail/inbox/}. Nothing of the
 * machine's own Postfix is used but its programs. Postfix's master must start as root and runs its daemons as
 * {@code mail_owner = postfix} (the package creates that user), without chroot.
 */
final class PostfixInstance implements AutoCloseable {

    static final Path POSTFIX = Path.of("/usr/sbin/postfix");
    static final String DOMAIN = "postfix.test";

    final Path root;
    final Path config;
    final int port;
    private volatile boolean started;

    private PostfixInstance(Path root, int port) {
        this.root = root;
        this.config = root.resolve("etc");
        this.port = port;
    }

    /** Why Postfix cannot run here, or null when it can. */
    static String unavailable() {
        if (!Files.isExecutable(POSTFIX)) return POSTFIX + " is missing (apt-get install postfix)";
        if (!"root".equals(System.getProperty("user.name"))) return "Postfix's master must be started as root";
        return null;
    }

    /**
     * Writes the configuration and starts Postfix with smtpd on 127.0.0.1:{@code port}; mail for other domains
     * goes to {@code relayHost} ("[127.0.0.1]:2525").
     */
    static PostfixInstance start(int port, String relayHost) throws IOException, InterruptedException {
        Path root = Files.createTempDirectory("mailroom-postfix-");
        // Postfix's daemons run as the postfix user: the way down to the queue must be open to it.
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        PostfixInstance p = new PostfixInstance(root, port);
        try {
            p.configure(relayHost);
            // "start" runs "postfix check" first (ownership of the queue, the files it needs) and stops on its errors.
            run(List.of(POSTFIX.toString(), "-c", p.config.toString(), "start"));
            p.started = true;
            // Should the test JVM end without @AfterAll (Ctrl-C, a crash of the fork), Postfix stops all the same.
            Runtime.getRuntime().addShutdownHook(new Thread(p::stopQuietly, "postfix-stop"));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(p::accepting);
            return p;
        } catch (IOException | RuntimeException | InterruptedException e) {
            p.close();
            throw e;
        }
    }

    private void configure(String relayHost) throws IOException, InterruptedException {
        Files.createDirectories(config);
        Path spool = Files.createDirectories(root.resolve("spool"));
        Path data = Files.createDirectories(root.resolve("data"));
        Path mail = Files.createDirectories(root.resolve("mail"));
        UserPrincipalLookupService users = root.getFileSystem().getUserPrincipalLookupService();
        GroupPrincipal group = users.lookupPrincipalByGroupName("postfix");
        for (Path owned : List.of(data, mail)) {
            Files.setOwner(owned, users.lookupPrincipalByName("postfix"));
            Files.getFileAttributeView(owned, PosixFileAttributeView.class).setGroup(group);
        }
        int uid = (Integer) Files.getAttribute(mail, "unix:uid");
        int gid = (Integer) Files.getAttribute(mail, "unix:gid");
        run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-days", "2", "-subj", "/CN=" + DOMAIN,
                "-keyout", config.resolve("key.pem").toString(), "-out", config.resolve("cert.pem").toString()));
        String main = String.join("\n",
                "compatibility_level = 3.6",
                "queue_directory = " + spool,
                "data_directory = " + data,
                "command_directory = /usr/sbin",
                "daemon_directory = /usr/lib/postfix/sbin",
                "meta_directory = /etc/postfix",
                "shlib_directory = /usr/lib/postfix",
                "mail_owner = postfix",
                "setgid_group = postdrop",
                "myhostname = " + DOMAIN,
                "mydomain = " + DOMAIN,
                "myorigin = " + DOMAIN,
                "mydestination =",
                "inet_interfaces = 127.0.0.1",
                "inet_protocols = ipv4",
                "mynetworks = 127.0.0.0/8",
                "maillog_file = " + root.resolve("maillog"),
                "maillog_file_prefixes = " + root,
                "alias_maps =",
                "alias_database =",
                "smtp_dns_support_level = disabled",
                "relayhost = " + relayHost,
                "virtual_mailbox_domains = " + DOMAIN,
                "virtual_mailbox_base = " + mail,
                "virtual_mailbox_maps = static:inbox/",
                "virtual_uid_maps = static:" + uid,
                "virtual_gid_maps = static:" + gid,
                "virtual_minimum_uid = 1",
                "smtpd_tls_security_level = may",
                "smtpd_tls_cert_file = " + config.resolve("cert.pem"),
                "smtpd_tls_key_file = " + config.resolve("key.pem"),
                "smtpd_tls_received_header = yes",
                "smtpd_tls_loglevel = 1",
                "smtp_tls_security_level = may",
                "smtp_tls_loglevel = 1",
                "");
        Files.writeString(config.resolve("main.cf"), main, StandardCharsets.US_ASCII);
        // Every service without chroot (the private queue has no copy of /etc files for it).
        String master = String.join("\n",
                "127.0.0.1:" + port + " inet n - n - - smtpd",
                "pickup    unix  n - n 60 1 pickup",
                "cleanup   unix  n - n - 0 cleanup",
                "qmgr      unix  n - n 300 1 qmgr",
                "tlsmgr    unix  - - n 1000? 1 tlsmgr",
                "rewrite   unix  - - n - - trivial-rewrite",
                "bounce    unix  - - n - 0 bounce",
                "defer     unix  - - n - 0 bounce",
                "trace     unix  - - n - 0 bounce",
                "verify    unix  - - n - 1 verify",
                "flush     unix  n - n 1000? 0 flush",
                "proxymap  unix  - - n - - proxymap",
                "proxywrite unix - - n - 1 proxymap",
                "smtp      unix  - - n - - smtp",
                "relay     unix  - - n - - smtp",
                "showq     unix  n - n - - showq",
                "error     unix  - - n - - error",
                "retry     unix  - - n - - error",
                "discard   unix  - - n - - discard",
                "virtual   unix  - n n - - virtual",
                "anvil     unix  - - n - 1 anvil",
                "scache    unix  - - n - 1 scache",
                "postlog   unix-dgram n - n - 1 postlogd",
                "");
        Files.writeString(config.resolve("master.cf"), master, StandardCharsets.US_ASCII);
    }

    /** Changes main.cf parameters ({@code postconf -e}) and reloads: new smtpd processes see them. */
    void set(String... assignments) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("/usr/sbin/postconf", "-c", config.toString(), "-e"));
        cmd.addAll(List.of(assignments));
        run(cmd);
        run(List.of(POSTFIX.toString(), "-c", config.toString(), "reload"));
    }

    String log() throws IOException {
        Path log = root.resolve("maillog");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    }

    /** The messages delivered to postfix.test, raw. */
    List<byte[]> delivered() throws IOException {
        Path dir = root.resolve("mail/inbox/new");
        List<byte[]> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) out.add(Files.readAllBytes(f));
        }
        return out;
    }

    private boolean accepting() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops Postfix (waiting until its smtpd port is closed) and removes its directory. */
    @Override
    public void close() {
        try {
            if (started) {
                started = false;
                run(List.of(POSTFIX.toString(), "-c", config.toString(), "stop"));
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> !accepting());
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("postfix stop: " + e.getMessage(), e);
        } finally {
            try (Stream<Path> all = Files.walk(root)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            } catch (IOException e) {
                // a leftover temporary directory: nothing to fail the test for
            }
        }
    }

    private void stopQuietly() {
        if (!started) return;
        try {
            new ProcessBuilder(POSTFIX.toString(), "-c", config.toString(), "stop").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // the JVM is ending: nothing else to try
        }
    }

    /** Runs a command; its output becomes the message if it fails. */
    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": "
                    + new String(output, StandardCharsets.UTF_8));
        }
    }
}
