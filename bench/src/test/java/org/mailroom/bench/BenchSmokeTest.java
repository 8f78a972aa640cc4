package org.mailroom.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.Directory;
import org.mailroom.server.Server;
import org.mailroom.server.admin.StoreOptions;
import org.mailroom.server.config.Config;

/**
 * The load generator runs against a real Mailroom (started in-process on ephemeral loopback ports) and
 * prints its figures. A tiny load: this checks that the tool works, never how fast anything is.
 */
class BenchSmokeTest {

    @TempDir
    Path data;
    Server server;

    @BeforeEach
    void start() throws Exception {
        start(Map.of());
    }

    private void start(Map<String, String> extra) throws Exception {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("server.hostname", "\"mx.bench.test\"");
        overrides.put("server.data_dir", StoreOptions.tomlString(data.toString()));
        overrides.put("listen.smtp", "\"127.0.0.1:0\"");
        overrides.put("listen.pop3", "\"127.0.0.1:0\"");
        overrides.put("auth.verify", "false"); // no inbound checks: they would ask the machine's resolvers
        for (String key : new String[] {"submission", "submissions", "imap", "imaps", "pop3s", "managesieve", "admin"}) {
            overrides.put("listen." + key, "\"\"");
        }
        overrides.putAll(extra);
        server = Server.start(Config.load(Optional.empty(), overrides));
        Directory d = server.storage().directory();
        d.addDomain("bench.test");
        d.addAccount("rcpt01@bench.test", "bench".toCharArray());
        d.addAccount("user01@bench.test", "bench".toCharArray());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private int port(String protocol) {
        InetSocketAddress a = server.addresses().get(protocol);
        return a.getPort();
    }

    private static String run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = Bench.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), args);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(status).as(out).isZero();
        return out;
    }

    @Test
    void smtpThenPop3PrintFigures() {
        String pid = Long.toString(ProcessHandle.current().pid());
        String smtp = run("smtp", "--port", Integer.toString(port("smtp")), "--sessions", "2", "--messages", "6",
                "--size", "2000", "--recipients", "1", "--rcpt-count", "1", "--runs", "2", "--server-pid", pid,
                "--label", "smoke");
        assertThat(smtp).contains("run 1:", "run 2:", "summary over 2 runs");
        assertThat(smtp).containsPattern("RESULT smoke\\.smtp\\.msg_per_s [0-9.]+ [0-9.]+ [0-9.]+");
        assertThat(smtp).containsPattern("RESULT smoke\\.smtp\\.latency_p99 [0-9.]+ ");
        assertThat(smtp).containsPattern("RESULT smoke\\.smtp\\.cpu_per_msg [0-9.]+ ");

        // Give user01 a maildrop, then read it over POP3.
        run("smtp", "--port", Integer.toString(port("smtp")), "--sessions", "1", "--messages", "3", "--runs", "1",
                "--rcpt-format", "user%02d@bench.test", "--rcpt-count", "1", "--new-connection");
        String pop3 = run("pop3", "--port", Integer.toString(port("pop3")), "--clients", "1", "--sessions", "2",
                "--retr", "2", "--runs", "1");
        assertThat(pop3).containsPattern("RESULT pop3\\.sessions_per_s [0-9.]+ ");
        assertThat(pop3).containsPattern("RESULT pop3\\.ops_per_s [0-9.]+ ");
    }

    @Test
    void relayLoadEndsWhenTheSinkHasEveryMessage() throws Exception {
        int sinkPort = freePortBelowEphemeralRange();
        server.close();
        start(Map.of("server.data_dir", StoreOptions.tomlString(data.resolve("relay").toString()),
                "listen.submission", "\"127.0.0.1:0\"", "smtp.submission_plaintext_auth", "true",
                "outbound.relay_host", "\"127.0.0.1:" + sinkPort + "\"", "outbound.poll_interval", "\"100ms\""));
        server.storage().directory().addDomain("client.test");
        server.storage().directory().addAccount("sender@client.test", "bench".toCharArray());
        String relay = run("smtp", "--port", Integer.toString(port("submission")), "--auth", "sender@client.test:bench",
                "--sessions", "2", "--messages", "6", "--rcpt-format", "rcpt%02d@remote.test", "--sink-port",
                Integer.toString(sinkPort), "--await-timeout", "60", "--runs", "1", "--label", "smoke");
        assertThat(relay).contains("sink on port " + sinkPort);
        assertThat(relay).containsPattern("RESULT smoke\\.relay\\.relayed_per_s [0-9.]+ ");
        assertThat(relay).containsPattern("RESULT smoke\\.relay\\.sink_connections [1-9]");
    }

    /**
     * A free port for the sink, which the load generator binds only after the server has started: taken below
     * Linux's ephemeral range (32768 and up), so that the server's own port-0 listeners, bound in between, cannot
     * be handed the same one.
     */
    private static int freePortBelowEphemeralRange() throws java.io.IOException {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = 20000 + random.nextInt(12000);
            try (java.net.ServerSocket probe = new java.net.ServerSocket(candidate, 1,
                    java.net.InetAddress.getLoopbackAddress())) {
                return probe.getLocalPort();
            } catch (java.net.BindException taken) {
                // try another
            }
        }
        throw new java.io.IOException("no free port between 20000 and 32000");
    }

    @Test
    void corpusIsTheSameForTheSameSeedAndExactlySized() {
        Corpus a = new Corpus(42, 4096);
        Corpus b = new Corpus(42, 4096);
        assertThat(a.message(7)).isEqualTo(b.message(7)).hasSize(4096);
        assertThat(a.message(7)).isNotEqualTo(new Corpus(43, 4096).message(7));
        String text = new String(a.message(3), StandardCharsets.US_ASCII);
        assertThat(text).contains("\r\n\r\n").contains("\r\n.");
        assertThat(text.replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
        assertThat(new String(Corpus.dotStuffed(a.message(3)), StandardCharsets.US_ASCII)).contains("\r\n..");
    }

    @Test
    void imapLiteralAtLineEndIsFound() {
        assertThat(ImapClient.literalLength("* 1 FETCH (BODY[] {4096}")).isEqualTo(4096);
        assertThat(ImapClient.literalLength("* 1 FETCH (BODY[] {12+}")).isEqualTo(12);
        assertThat(ImapClient.literalLength("* OK [ALERT] {not a literal}")).isEqualTo(-1);
        assertThat(ImapClient.literalLength("b1 OK done")).isEqualTo(-1);
    }
}
