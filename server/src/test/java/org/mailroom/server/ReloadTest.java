package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGHUP (issue 14): the real server in its own JVM reads its file again. A live key (limits.message_size) is in
 * force for the next SMTP session, the log line names the restart-only key that changed too, {@code mailroom
 * reload} finds the server through its pid file, and a file that no longer parses leaves the server running on
 * what it had.
 */
class ReloadTest {

    private static final Pattern STARTED = Pattern.compile("mailroom started: .*smtp=[^,}]*:(\\d+)");

    @TempDir
    Path data;

    @Test
    void sighupAppliesLiveKeysAndNamesTheOnesThatNeedARestart() throws Exception {
        Path file = data.resolve("mailroom.toml");
        Files.writeString(file, "[limits]\nmessage_size = 1000000\n");
        Path log = data.resolve("server.log");
        Process server = ServerJvm.start(data, log);
        try {
            int port = await().atMost(Duration.ofSeconds(60)).until(() -> startedPort(log), p -> p > 0);
            assertThat(ehloSize(port)).isEqualTo(1_000_000);
            assertThat(Files.readString(data.resolve(PidFile.FILE_NAME)).trim()).isEqualTo(Long.toString(server.pid()));

            // A live key and a restart-only one, then `mailroom reload` (SIGHUP through the pid file).
            Files.writeString(file, "[limits]\nmessage_size = 2000000\n[server]\nnative_transport = false\n");
            assertThat(Main.commandLine().execute("reload", "--data", data.toString())).isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> ehloSize(port) == 2_000_000);
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains(
                    "configuration reloaded: applied limits.message_size; needs a restart: server.native_transport"));

            // A file that is no longer TOML: the server keeps running on the configuration it has.
            Files.writeString(file, "[limits\nmessage_size = 3000000\n");
            assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(server.pid())).start().waitFor()).isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log).contains(
                    "configuration not reloaded, still running on the previous one: "));
            assertThat(server.isAlive()).isTrue();
            assertThat(ehloSize(port)).isEqualTo(2_000_000);

            server.destroy(); // SIGTERM
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(server.exitValue()).isEqualTo(143);
            assertThat(data.resolve(PidFile.FILE_NAME)).doesNotExist();
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void reloadWithoutARunningServerSaysSo() {
        assertThat(Main.commandLine().execute("reload", "--data", data.toString())).isEqualTo(1);
    }

    /** The SMTP port from the start line, or 0 before it is written. */
    private static int startedPort(Path log) throws IOException {
        if (!Files.exists(log)) return 0;
        Matcher m = STARTED.matcher(Files.readString(log));
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** The SIZE value of a new session's EHLO reply (RFC 1870). */
    private static long ehloSize(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("220 ");
            s.getOutputStream().write("EHLO reload.test\r\n".getBytes(StandardCharsets.US_ASCII));
            long size = -1;
            String line;
            do {
                line = in.readLine();
                if (line != null && line.substring(4).startsWith("SIZE ")) size = Long.parseLong(line.substring(9).trim());
            } while (line != null && line.startsWith("250-"));
            s.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            return size;
        }
    }
}
