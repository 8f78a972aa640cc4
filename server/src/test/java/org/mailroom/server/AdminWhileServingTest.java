package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The management commands change a running server's directory, seen at once without a restart; and a port
 * that cannot be bound stops the start with one line naming the key.
 */
class AdminWhileServingTest {

    @TempDir
    Path data;
    TestServer server;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(data);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Runs {@code mailroom ARGS --data DIR} in-process, as the CLI would in another process; returns stdout. */
    private String mailroom(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        String[] withData = new String[args.length + 2];
        System.arraycopy(args, 0, withData, 0, args.length);
        withData[args.length] = "--data";
        withData[args.length + 1] = data.toString();
        int exit = cli.execute(withData);
        assertThat(exit).as("mailroom %s: %s", String.join(" ", args), err).isZero();
        return out.toString();
    }

    private String rcpt(String address) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.smtp().getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            in.readLine();
            out.write("HELO admin.test\r\n".getBytes(StandardCharsets.US_ASCII));
            in.readLine();
            out.write("MAIL FROM:<a@elsewhere.test>\r\n".getBytes(StandardCharsets.US_ASCII));
            in.readLine();
            out.write(("RCPT TO:<" + address + ">\r\n").getBytes(StandardCharsets.US_ASCII));
            return in.readLine();
        }
    }

    @Test
    void domainsUsersAndAliasesAddedByTheCliAreServedAtOnce() throws Exception {
        assertThat(rcpt("dave@new.test")).startsWith("550 5.7.1");
        mailroom("domain", "add", "new.test");
        assertThat(rcpt("dave@new.test")).startsWith("550 5.1.1");
        mailroom("user", "add", "dave@new.test", "--password", "pw-dave");
        assertThat(rcpt("dave@new.test")).startsWith("250");
        mailroom("alias", "add", "info@new.test", "dave@new.test");
        assertThat(rcpt("info@new.test")).startsWith("250");
        assertThat(mailroom("user", "list")).contains("dave@new.test");
        mailroom("user", "remove", "dave@new.test");
        mailroom("alias", "remove", "info@new.test", "dave@new.test");
        assertThat(rcpt("dave@new.test")).startsWith("550 5.1.1");
    }

    @Test
    void appPasswordWorksForSubmissionAndCanBeRevokedAlone() throws Exception {
        String created = mailroom("user", "app-password", "add", "alice@example.test", "phone");
        String password = created.lines().filter(l -> l.matches(".*[a-z]{4}-[a-z]{4}-[a-z]{4}-[a-z]{4}.*")).findFirst()
                .orElseThrow().replaceAll(".*([a-z]{4}-[a-z]{4}-[a-z]{4}-[a-z]{4}).*", "$1");
        String curl = "smtp://127.0.0.1:" + server.submission().getPort();
        Path message = java.nio.file.Files.writeString(data.resolve("m.eml"), "From: alice@example.test\r\nSubject: app\r\n\r\nx\r\n");
        Process ok = new ProcessBuilder("curl", "-sS", "--max-time", "20", "--ssl-reqd", "-k", curl, "--user",
                "alice@example.test:" + password, "--mail-from", "alice@example.test", "--mail-rcpt", "bob@example.test",
                "--upload-file", message.toString()).redirectErrorStream(true).start();
        assertThat(ok.waitFor()).as(new String(ok.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        mailroom("user", "app-password", "remove", "alice@example.test", "phone");
        Process refused = new ProcessBuilder("curl", "-sS", "--max-time", "20", "--ssl-reqd", "-k", curl, "--user",
                "alice@example.test:" + password, "--mail-from", "alice@example.test", "--mail-rcpt", "bob@example.test",
                "--upload-file", message.toString()).redirectErrorStream(true).start();
        String out = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(refused.waitFor()).as(out).isEqualTo(67); // curl's "login denied": our 535
        assertThat(out).contains("Login denied");
        // The account's own password still works.
        Process own = new ProcessBuilder("curl", "-sS", "--max-time", "20", "--ssl-reqd", "-k", curl, "--user",
                "alice@example.test:" + TestServer.PASSWORD, "--mail-from", "alice@example.test", "--mail-rcpt",
                "bob@example.test", "--upload-file", message.toString()).redirectErrorStream(true).start();
        assertThat(own.waitFor()).isZero();
    }

    @Test
    void aPortInUseStopsTheStartWithOneLineNamingTheKey(@TempDir Path other) {
        String busy = "\"127.0.0.1:" + server.smtp().getPort() + "\"";
        assertThatThrownBy(() -> TestServer.start(other, Map.of("listen.smtp", busy)))
                .isInstanceOf(Server.ListenException.class)
                .hasMessageStartingWith("listen.smtp: cannot listen on 127.0.0.1:" + server.smtp().getPort())
                .hasMessageContaining("choose another port")
                .hasMessageNotContaining("\n");
    }
}
