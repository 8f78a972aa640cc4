package org.mailroom.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package on this machine (issue 14): {@code dpkg -i}, its files, conffile, user and data directory,
 * the systemd unit ({@code systemd-analyze verify} where systemd is installed), then the unit's own ExecStart line
 * run as the {@code mailroom} user (systemd itself is not needed): SMTP banner, {@code /healthz}, the unit's
 * ExecReload line applying a new message size, SIGTERM ending with 143 (the unit's SuccessExitStatus), and
 * {@code dpkg --purge}. Needs root; under CI (env CI set) not being root is a failure, elsewhere a skip.
 */
class DebianPackageIT {

    private static final Path UNIT = Path.of("/lib/systemd/system/mailroom.service");
    private static final Path CONF = Path.of("/etc/mailroom/mailroom.toml");
    private static final Path DATA = Path.of("/var/lib/mailroom");

    @TempDir
    Path tmp;

    @Test
    void installsRunsItsUnitAsTheMailroomUserAndPurges() throws Exception {
        boolean root = Command.ok("id", "-u").trim().equals("0");
        boolean dpkg = Command.run("sh", "-c", "command -v dpkg").status() == 0;
        if (!root || !dpkg) {
            if (System.getenv("CI") != null) fail("the Debian package test needs root and dpkg under CI");
            abort("not root, or no dpkg: the Debian package is not installed here");
        }
        if (Command.run("dpkg", "-s", "mailroom").output().contains("Status: install ok installed") || Files.exists(DATA)) {
            fail("a Mailroom installation is on this machine (package or " + DATA + "): this test would disturb it");
        }
        Path deb;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            deb = files.filter(p -> p.getFileName().toString().matches("mailroom_.*_all\\.deb")).findFirst()
                    .orElseThrow(() -> new AssertionError("no target/mailroom_*_all.deb"));
        }
        boolean userBefore = Command.run("getent", "passwd", "mailroom").status() == 0;
        Process server = null;
        try {
            Command.ok("dpkg", "-i", deb.toAbsolutePath().toString());
            installed();
            server = runTheUnit();
            purge();
        } finally {
            if (server != null) server.destroyForcibly();
            Command.run("dpkg", "--purge", "mailroom");
            // What purge keeps on purpose (the mail and the user), made by this test only: removed.
            Command.run("rm", "-rf", DATA.toString());
            if (!userBefore) {
                Command.run("deluser", "--quiet", "--system", "mailroom");
                Command.run("delgroup", "--quiet", "--system", "mailroom");
            }
        }
    }

    private void installed() throws Exception {
        assertThat(Command.ok("dpkg", "-L", "mailroom").lines()).contains(
                "/usr/share/mailroom/bin/mailroom", "/usr/share/mailroom/lib", "/usr/share/mailroom/conf",
                CONF.toString(), UNIT.toString(), "/usr/bin/mailroom")
                .anyMatch(l -> l.matches("/usr/share/mailroom/lib/mailroom-server-.*\\.jar"));
        assertThat(Command.ok("dpkg-query", "-W", "-f=${Conffiles}", "mailroom")).contains(CONF.toString());

        // postinst: a system user with no login, owning the data directory; the configuration readable by it.
        String[] user = Command.ok("getent", "passwd", "mailroom").trim().split(":");
        assertThat(Integer.parseInt(user[2])).as("system uid").isLessThan(1000);
        assertThat(user[5]).isEqualTo(DATA.toString());
        assertThat(user[6]).endsWith("nologin");
        assertThat(Files.getOwner(DATA).getName()).isEqualTo("mailroom");
        PosixFileAttributes conf = Files.readAttributes(CONF, PosixFileAttributes.class);
        assertThat(conf.group().getName()).isEqualTo("mailroom");
        assertThat(PosixFilePermissions.toString(conf.permissions())).isEqualTo("rw-r-----");
        assertThat(Files.readString(CONF)).contains("\ndata_dir = \"/var/lib/mailroom\"\n", "\n#message_size = ");
        assertThat(Command.ok("/usr/bin/mailroom", "--version")).startsWith("Mailroom ");

        String unit = Files.readString(UNIT);
        assertThat(unit.lines()).contains("User=mailroom", "AmbientCapabilities=CAP_NET_BIND_SERVICE",
                "StateDirectory=mailroom", "ExecReload=/bin/kill -HUP $MAINPID", "SuccessExitStatus=143",
                "Restart=on-failure", "NoNewPrivileges=true", "ProtectSystem=strict", "ReadWritePaths=/var/lib/mailroom",
                "PrivateTmp=true", "WantedBy=multi-user.target");
        if (Command.run("sh", "-c", "command -v systemd-analyze").status() == 0) {
            Command verify = Command.run("systemd-analyze", "verify", UNIT.toString());
            assertThat(verify.status()).as("systemd-analyze verify:\n%s", verify.output()).isZero();
        }
    }

    /** The unit's ExecStart as the mailroom user, on loopback ports; returns the process once it has stopped. */
    private Process runTheUnit() throws Exception {
        int smtp = freePort();
        int admin = freePort();
        Files.writeString(CONF, config(smtp, admin, 10_000_000));
        List<String> argv = new ArrayList<>(List.of("runuser", "-u", "mailroom", "--"));
        argv.addAll(Arrays.asList(unitLine("ExecStart").split(" ")));
        Path log = tmp.resolve("server.log");
        Process server = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> !server.isAlive() || ehloSize(smtp) == 10_000_000);
        assertThat(server.isAlive()).as("server running; its log:\n%s", Files.readString(log)).isTrue();
        HttpResponse<String> health = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("up");

        // The JVM itself is the service's main process (the launcher execs it), running as mailroom.
        long pid = Long.parseLong(Files.readString(DATA.resolve("mailroom.pid")).trim());
        assertThat(Files.getOwner(Path.of("/proc/" + pid)).getName()).isEqualTo("mailroom");
        assertThat(Files.readString(Path.of("/proc/" + pid + "/cmdline"))).contains("org.mailroom.server.Main");

        // systemctl reload: the unit's ExecReload with its MAINPID.
        Files.writeString(CONF, config(smtp, admin, 20_000_000));
        Command.ok("sh", "-c", unitLine("ExecReload").replace("$MAINPID", Long.toString(pid)));
        await().atMost(Duration.ofSeconds(30)).until(() -> ehloSize(smtp) == 20_000_000);

        // systemctl stop: SIGTERM to the main process; the exit status is one the unit counts as success.
        Command.ok("kill", "-TERM", Long.toString(pid));
        assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("stopped").isTrue();
        assertThat(Integer.toString(server.exitValue())).isEqualTo(unitLine("SuccessExitStatus"));
        assertThat(Files.readString(log)).contains("configuration reloaded: applied limits.message_size",
                "mailroom stopped");
        assertThat(DATA.resolve("mailroom.pid")).doesNotExist();
        return server;
    }

    private static void purge() throws Exception {
        Command.ok("dpkg", "--purge", "mailroom");
        assertThat(Path.of("/usr/share/mailroom")).doesNotExist();
        assertThat(CONF).doesNotExist();
        assertThat(UNIT).doesNotExist();
        assertThat(Path.of("/usr/bin/mailroom")).doesNotExist();
    }

    /** Every listener off but SMTP and the admin API, on loopback; the data directory of the package. */
    private static String config(int smtp, int admin, long messageSize) {
        return "[server]\nhostname = \"deb.test\"\ndata_dir = \"/var/lib/mailroom\"\nshutdown_grace = \"5s\"\n"
                + "[listen]\nsmtp = \"127.0.0.1:" + smtp + "\"\nsubmission = \"\"\nsubmissions = \"\"\n"
                + "imap = \"\"\nimaps = \"\"\npop3 = \"\"\npop3s = \"\"\nmanagesieve = \"\"\nadmin = \"127.0.0.1:" + admin + "\"\n"
                + "[limits]\nmessage_size = " + messageSize + "\n";
    }

    private static String unitLine(String key) throws IOException {
        return Files.readAllLines(UNIT).stream().filter(l -> l.startsWith(key + "=")).findFirst()
                .map(l -> l.substring(key.length() + 1)).orElseThrow(() -> new AssertionError("no " + key + " in the unit"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The SIZE of a new session's EHLO reply, or -1 while nothing listens. */
    private static long ehloSize(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            String greeting = in.readLine();
            if (greeting == null || !greeting.startsWith("220 deb.test ")) return -1;
            s.getOutputStream().write("EHLO deb.test\r\n".getBytes(StandardCharsets.US_ASCII));
            long size = -1;
            String line;
            do {
                line = in.readLine();
                if (line != null && line.startsWith("250-SIZE ")) size = Long.parseLong(line.substring(9).trim());
            } while (line != null && line.startsWith("250-"));
            return size;
        } catch (IOException e) {
            return -1;
        }
    }
}
