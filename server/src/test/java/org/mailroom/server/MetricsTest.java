package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.delivery.testing.TestDnsServer;
import org.mailroom.server.admin.AdminTokens;

/**
 * {@code /metrics} after a known load, counted exactly: messages accepted and refused by reply, local copies
 * stored and timed, a remote attempt deferred, the queue, connections per protocol, a failed login, TLS versions.
 * Also {@code /readyz} when the store is gone, and {@code admin.metrics_token_required}.
 */
class MetricsTest {

    private static final int MESSAGES = 5;

    @TempDir
    Path dir;

    private TestServer server;
    private TestDnsServer dns;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (server != null) server.close();
        if (dns != null) dns.close();
    }

    @Test
    void countsAfterAKnownLoad() throws Exception {
        dns = TestDnsServer.start();
        dns.servfail("elsewhere.test"); // fwd@example.test goes there: one deferred attempt
        server = TestServer.start(dir, Map.of("dns.servers", "[\"127.0.0.1:" + dns.address().getPort() + "\"]"));

        try (PostgresLineClient smtp = PostgresLineClient.smtp(server.smtp())) {
            for (int i = 0; i < MESSAGES; i++) {
                assertThat(smtp.sendMail("bob@example.test", "alice@example.test", "n" + i, "hello")).startsWith("250");
            }
            assertThat(smtp.sendMail("bob@example.test", "nobody@example.test", "x", "x")).startsWith("550 5.1.1");
            assertThat(smtp.sendMail("bob@example.test", "fwd@example.test", "away", "to be relayed")).startsWith("250");
            smtp.command("QUIT");
        }
        try (ImapLine imap = new ImapLine(server.imap().getPort())) {
            imap.readUntil("* OK");
            imap.send("a LOGIN alice@example.test wrong-password\r\n");
            assertThat(imap.readUntil("a ")).contains("a NO");
        }
        try (ImapLine imaps = ImapLine.tls(server.imaps().getPort())) {
            imaps.readUntil("* OK");
            assertThat(imaps.tlsProtocol()).isEqualTo("TLSv1.3");
            imaps.send("b LOGOUT\r\n");
            imaps.readUntil("b OK");
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String m = scrape(null);
            assertThat(value(m, "mailroom_deliveries_total", "result=\"remote_deferred\"")).isEqualTo(1);
            assertThat(value(m, "mailroom_connections_active", "protocol=\"smtp\"")).isZero();
            assertThat(value(m, "mailroom_connections_active", "protocol=\"imap\"")).isZero();
        });
        String m = scrape(null);
        assertThat(value(m, "mailroom_messages_accepted_total", "")).isEqualTo(MESSAGES + 1);
        assertThat(value(m, "mailroom_messages_refused_total", "reply=\"550 5.1.1\"")).isEqualTo(1);
        assertThat(value(m, "mailroom_deliveries_total", "result=\"local_stored\"")).isEqualTo(MESSAGES);
        assertThat(value(m, "mailroom_deliveries_total", "result=\"remote_delivered\"")).isZero();
        assertThat(value(m, "mailroom_deliveries_total", "result=\"remote_bounced\"")).isZero();
        assertThat(value(m, "mailroom_store_commit_seconds_count", "")).isEqualTo(MESSAGES);
        assertThat(value(m, "mailroom_store_commit_seconds_sum", "")).isPositive();
        assertThat(value(m, "mailroom_queue_messages", "")).isEqualTo(1);
        assertThat(value(m, "mailroom_queue_oldest_age_seconds", "")).isGreaterThanOrEqualTo(0);
        assertThat(value(m, "mailroom_connections_opened_total", "protocol=\"smtp\"")).isEqualTo(1);
        assertThat(value(m, "mailroom_connections_opened_total", "protocol=\"imap\"")).isEqualTo(2);
        assertThat(value(m, "mailroom_login_failures_total", "protocol=\"imap\"")).isEqualTo(1);
        assertThat(value(m, "mailroom_tls_sessions_total", "version=\"TLSv1.3\"")).isEqualTo(1);
        assertThat(m).contains("jvm_memory_used_bytes").contains("jvm_threads_live_threads").contains("process_uptime_seconds");
    }

    @Test
    void aTokenCanBeRequiredForMetricsAndReadinessFailsWithoutTheStore() throws Exception {
        server = TestServer.start(dir, Map.of("admin.metrics_token_required", "true"));
        String token = new AdminTokens(server.server.storage().directory()).add("prometheus");
        HttpResponse<String> denied = get("/metrics", null);
        assertThat(denied.statusCode()).isEqualTo(401);
        assertThat(denied.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"mailroom\"");
        assertThat(get("/metrics", token).statusCode()).isEqualTo(200);
        assertThat(get("/readyz", null).statusCode()).isEqualTo(200);

        server.server.storage().close();
        HttpResponse<String> ready = get("/readyz", null);
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("\"status\":\"not ready\"").contains("store:");
        assertThat(get("/healthz", null).statusCode()).isEqualTo(200);
    }

    private String scrape(String token) throws Exception {
        HttpResponse<String> r = get("/metrics", token);
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.admin().getPort() + path))
                .timeout(Duration.ofSeconds(30));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double value(String scrape, String name, String labels) {
        return MetricsTestValues.value(scrape, name, labels);
    }
}
