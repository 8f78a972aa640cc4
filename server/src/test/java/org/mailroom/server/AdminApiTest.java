package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.DkimKeyRecord;
import org.mailroom.core.store.MailQueue;
import org.mailroom.delivery.testing.TestDnsServer;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The admin API's contract, endpoint by endpoint, over a real socket with java.net.http (and once with curl):
 * tokens made by the command line, 401 without one, every route's status and JSON, refusals as JSON messages.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final byte[] STUCK = "From: alice@example.test\r\nSubject: stuck\r\n\r\nHello\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    private Path dir;

    private TestDnsServer dns;
    private TestServer server;
    private HttpClient http;
    private String token;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        dns = TestDnsServer.start();
        dns.servfail("unreachable.test");
        server = TestServer.start(dir, Map.of("dns.servers", "[\"127.0.0.1:" + dns.address().getPort() + "\"]"));
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        token = cli("admin", "token", "add", "tests").lines().findFirst().orElseThrow();
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
        if (dns != null) dns.close();
    }

    @Test
    void tokenCommandPrintsTheTokenOnceAndKeepsOnlyItsDigest() throws Exception {
        assertThat(token).startsWith("mrt_").hasSize(4 + 43);
        String list = cli("admin", "token", "list");
        assertThat(list).contains("tests").doesNotContain(token);
        List<Directory.AdminToken> stored = server.server.storage().directory().adminTokens();
        assertThat(stored).extracting(Directory.AdminToken::name).contains("tests");
        assertThat(stored).allSatisfy(t -> assertThat(t.digest()).hasSize(64).isNotEqualTo(token));

        String other = cli("admin", "token", "add", "short-lived").lines().findFirst().orElseThrow();
        assertThat(call("GET", "/api/domains", other, null).statusCode()).isEqualTo(200);
        assertThat(cli("admin", "token", "remove", "short-lived")).contains("removed");
        assertThat(call("GET", "/api/domains", other, null).statusCode()).isEqualTo(401);
    }

    @Test
    void withoutAValidTokenEveryApiRouteIs401WithABearerChallenge() throws Exception {
        HttpResponse<String> none = call("GET", "/api/domains", null, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"mailroom\"");
        assertThat(json(none).get("error").asString()).contains("token");

        HttpResponse<String> wrong = call("POST", "/api/domains", "mrt_" + "A".repeat(43), "{\"name\":\"x.test\"}");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"mailroom\", error=\"invalid_token\"");
        assertThat(call("GET", "/api/queue", "Basic", null).statusCode()).isEqualTo(401);
        HttpRequest basic = request("GET", "/api/users", null, null).header("Authorization", "Basic YWxpY2U6c2VjcmV0").build();
        assertThat(http.send(basic, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(server.server.storage().directory().isLocalDomain("x.test")).isFalse();
    }

    @Test
    void healthAndOpenApiNeedNoToken() throws Exception {
        HttpResponse<String> live = call("GET", "/healthz", null, null);
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(json(live).get("status").asString()).isEqualTo("up");
        HttpResponse<String> ready = call("GET", "/readyz", null, null);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(json(ready).get("status").asString()).isEqualTo("ready");
        HttpResponse<String> openapi = call("GET", "/api/openapi.json", null, null);
        assertThat(openapi.statusCode()).isEqualTo(200);
        assertThat(json(openapi).get("openapi").asString()).startsWith("3.");
        HttpResponse<String> head = call("HEAD", "/healthz", null, null);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        HttpResponse<String> metrics = call("GET", "/metrics", null, null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
    }

    @Test
    void domains() throws Exception {
        assertThat(json(ok(call("GET", "/api/domains", token, null))).findValuesAsString("name")).contains("example.test");
        HttpResponse<String> added = call("POST", "/api/domains", token, "{\"name\": \"New.Example.\"}");
        assertThat(added.statusCode()).isEqualTo(201);
        assertThat(json(added).get("name").asString()).isEqualTo("new.example");
        assertThat(server.server.storage().directory().isLocalDomain("new.example")).isTrue();
        // As 'mailroom domain add': a signing pair, RSA and Ed25519 (DirectoryAdmin makes it for both).
        assertThat(server.server.storage().directory().dkimKeys("new.example"))
                .extracting(DkimKeyRecord::algorithm, DkimKeyRecord::state)
                .containsExactlyInAnyOrder(tuple(DkimKeyRecord.RSA_SHA256, DkimKeyRecord.State.ACTIVE),
                        tuple(DkimKeyRecord.ED25519_SHA256, DkimKeyRecord.State.ACTIVE));
        assertError(call("POST", "/api/domains", token, "{\"name\": \"new.example\"}"), 409, "already a local domain");
        assertError(call("POST", "/api/domains", token, "{\"name\": \"bad_name!\"}"), 400, "not a valid domain name");
        assertError(call("POST", "/api/domains", token, "{\"nom\": \"x.test\"}"), 400, "\"name\" (a string) is required");
        assertError(call("DELETE", "/api/domains/example.test", token, null), 409, "still has");
        assertThat(call("DELETE", "/api/domains/new.example", token, null).statusCode()).isEqualTo(204);
        assertError(call("DELETE", "/api/domains/new.example", token, null), 404, "not a local domain");
    }

    @Test
    void users() throws Exception {
        Directory directory = server.server.storage().directory();
        HttpResponse<String> added = call("POST", "/api/users", token,
                "{\"address\": \"Carol@example.test\", \"password\": \"first pass\"}");
        assertThat(added.statusCode()).isEqualTo(201);
        assertThat(json(added).get("address").asString()).isEqualTo("carol@example.test");
        assertThat(directory.authenticate("carol@example.test", "first pass".toCharArray())).contains("carol@example.test");
        assertError(call("POST", "/api/users", token, "{\"address\": \"carol@example.test\", \"password\": \"x\"}"), 409, "exists already");
        assertError(call("POST", "/api/users", token, "{\"address\": \"dave@elsewhere.test\", \"password\": \"x\"}"), 404, "not a local domain");
        assertError(call("POST", "/api/users", token, "{\"address\": \"erin@example.test\", \"password\": \"\"}"), 400, "empty password");

        assertThat(json(ok(call("GET", "/api/users?domain=example.test", token, null))).findValuesAsString("address"))
                .contains("alice@example.test", "carol@example.test");

        assertThat(call("PUT", "/api/users/carol@example.test/password", token, "{\"password\": \"second pass\"}").statusCode())
                .isEqualTo(204);
        assertThat(directory.authenticate("carol@example.test", "second pass".toCharArray())).isPresent();
        assertThat(directory.authenticate("carol@example.test", "first pass".toCharArray())).isEmpty();
        assertError(call("PUT", "/api/users/nobody@example.test/password", token, "{\"password\": \"x\"}"), 404, "no account");

        assertThat(call("DELETE", "/api/users/carol%40example.test", token, null).statusCode()).isEqualTo(204);
        assertError(call("DELETE", "/api/users/carol@example.test", token, null), 404, "no account");
    }

    @Test
    void quotaSetShownAndCleared() throws Exception {
        call("POST", "/api/users", token, "{\"address\": \"quota@example.test\", \"password\": \"pw\"}");
        HttpResponse<String> set = call("PUT", "/api/users/quota@example.test/quota", token, "{\"quota\": \"2M\"}");
        assertThat(json(ok(set)).get("quota").asLong()).isEqualTo(2L << 20);
        assertThat(server.server.storage().directory().quota("quota@example.test")).hasValue(2L << 20);
        JsonNode listed = null;
        for (JsonNode u : json(ok(call("GET", "/api/users?domain=example.test", token, null)))) {
            if (u.get("address").asString().equals("quota@example.test")) listed = u;
        }
        assertThat(listed.get("quota").asLong()).isEqualTo(2L << 20);
        assertThat(json(ok(call("PUT", "/api/users/quota@example.test/quota", token, "{\"quota\": null}"))).get("quota").isNull())
                .isTrue();
        assertThat(server.server.storage().directory().quota("quota@example.test")).isEmpty();
        assertError(call("PUT", "/api/users/quota@example.test/quota", token, "{\"quota\": \"lots\"}"), 400, "quota");
        assertError(call("PUT", "/api/users/quota@example.test/quota", token, "{}"), 400, "\"quota\"");
        assertError(call("PUT", "/api/users/nobody@example.test/quota", token, "{\"quota\": \"1G\"}"), 404, "no account");
        call("DELETE", "/api/users/quota@example.test", token, null);
    }

    @Test
    void dnsRecordsAsTheCommandPrintsThem() throws Exception {
        assertThat(call("POST", "/api/domains", token, "{\"name\": \"dns.example\"}").statusCode()).isEqualTo(201);
        JsonNode dns = json(ok(call("GET", "/api/domains/DNS.Example/dns", token, null)));
        assertThat(dns.get("domain").asString()).isEqualTo("dns.example");
        String zone = dns.get("zone").asString();
        assertThat(zone).startsWith("; DNS records for dns.example, made by Mailroom for mx.example.test.");
        Map<String, String> byName = new java.util.HashMap<>();
        for (JsonNode r : dns.get("records")) {
            byName.merge(r.get("name").asString(), r.get("value").asString(), (a, b) -> a);
            assertThat(zone).contains(r.get("zone_line").asString());
        }
        assertThat(byName.get("dns.example.")).isEqualTo("10 mx.example.test.");
        assertThat(byName.get("_dmarc.dns.example.")).startsWith("v=DMARC1; p=none");
        assertThat(byName.get("_mta-sts.dns.example.")).startsWith("v=STSv1; id=");
        // The keys domain add made, as 'mailroom dns records' prints them (the command reads the same directory).
        String cli = cli("dns", "records", "dns.example");
        List<String> dkim = byName.keySet().stream().filter(n -> n.endsWith("._domainkey.dns.example.")).toList();
        assertThat(dkim).hasSize(2).allSatisfy(name -> assertThat(cli).contains(name));
        assertError(call("GET", "/api/domains/elsewhere.test/dns", token, null), 404, "not a local domain");
        assertError(call("GET", "/api/domains/bad_name!/dns", token, null), 400, "not a valid domain name");
        assertThat(call("DELETE", "/api/domains/dns.example", token, null).statusCode()).isEqualTo(204);
    }

    @Test
    void statsActivityAndLogTailForTheConsole() throws Exception {
        JsonNode stats = json(ok(call("GET", "/api/stats", token, null)));
        for (String member : List.of("accepted", "refused", "refused_by_reply", "deliveries", "queue", "connections", "login_failures")) {
            assertThat(stats.has(member)).as(member).isTrue();
        }
        assertThat(stats.get("deliveries").has("remote_deferred")).isTrue();
        assertThat(stats.get("queue").get("messages").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(json(ok(call("GET", "/api/activity", token, null))).isArray()).isTrue();

        long last = json(ok(call("GET", "/api/log", token, null))).get("last").asLong();
        String secret = "mrt_" + "S".repeat(43);
        LoggerFactory.getLogger("org.mailroom.test.Console").warn("console tail check {}", secret);
        JsonNode tail = json(ok(call("GET", "/api/log?after=" + last, token, null)));
        assertThat(tail.get("last").asLong()).isGreaterThan(last);
        JsonNode line = null;
        for (JsonNode e : tail.get("events")) if (e.get("message").asString().startsWith("console tail check")) line = e;
        assertThat(line).isNotNull();
        assertThat(line.get("level").asString()).isEqualTo("WARN");
        assertThat(line.get("logger").asString()).isEqualTo("Console");
        assertThat(line.get("message").asString()).doesNotContain(secret).contains("mrt_(hidden)");
        assertThat(json(ok(call("GET", "/api/log?after=" + tail.get("last").asLong(), token, null))).get("events").size()).isZero();
        assertError(call("GET", "/api/log?after=yesterday", token, null), 400, "sequence number");
        assertThat(call("GET", "/api/stats", null, null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/api/log", null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void consoleFilesAreServedWithoutATokenAndWithStrictHeaders() throws Exception {
        HttpResponse<String> root = call("GET", "/", null, null);
        assertThat(root.statusCode()).isEqualTo(303);
        assertThat(root.headers().firstValue("Location")).contains("/console/");
        HttpResponse<String> page = call("GET", "/console/", null, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.body()).contains("<script src=\"/console/console.js\"").doesNotContain("<script>");
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe");
        assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
        HttpResponse<String> script = call("GET", "/console/console.js", null, null);
        assertThat(script.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/javascript");
        // Data reaches the page as text only.
        assertThat(script.body()).doesNotContain(".innerHTML", ".outerHTML", "insertAdjacentHTML", "document.write", "eval(").contains("sessionStorage");
        assertThat(call("GET", "/console/console.css", null, null).headers().firstValue("Content-Type").orElseThrow())
                .startsWith("text/css");
        assertError(call("GET", "/console/other.js", null, null), 404, "no such resource");
        assertError(call("GET", "/console/..%2Fopenapi.json", null, null), 404, "no such resource");
    }

    @Test
    void aliases() throws Exception {
        HttpResponse<String> added = call("POST", "/api/aliases", token,
                "{\"source\": \"sales@example.test\", \"target\": \"bob+sales@example.test\"}");
        assertThat(added.statusCode()).isEqualTo(201);
        assertThat(json(added).get("target").asString()).isEqualTo("bob+sales@example.test");
        JsonNode list = json(ok(call("GET", "/api/aliases?source=sales@example.test", token, null)));
        assertThat(list.size()).isEqualTo(1);
        assertThat(list.get(0).get("source").asString()).isEqualTo("sales@example.test");
        assertError(call("POST", "/api/aliases", token, "{\"source\": \"sales@example.test\", \"target\": \"sales@example.test\"}"),
                400, "would loop");
        assertThat(call("DELETE", "/api/aliases/sales@example.test/bob+sales@example.test", token, null).statusCode())
                .isEqualTo(204);
        assertError(call("DELETE", "/api/aliases/sales@example.test/bob+sales@example.test", token, null), 404, "no alias");
    }

    @Test
    void queueListShowFlushBounceDelete() throws Exception {
        String first = enqueue("someone@unreachable.test");
        String second = enqueue("other@unreachable.test");
        // The runner tries each once (SERVFAIL: deferred), which gives the entries a history to show.
        await().atMost(Duration.ofSeconds(30)).until(() -> attempts(first) >= 1 && attempts(second) >= 1);

        JsonNode list = json(ok(call("GET", "/api/queue", token, null)));
        JsonNode entry = null;
        for (JsonNode e : list) if (e.get("id").asString().equals(first)) entry = e;
        assertThat(entry).isNotNull();
        assertThat(entry.get("sender").asString()).isEqualTo("alice@example.test");
        assertThat(entry.get("recipients").get(0).get("address").asString()).isEqualTo("someone@unreachable.test");
        assertThat(entry.get("recipients").get(0).get("state").asString()).isEqualTo("pending");
        assertThat(entry.get("domains").get(0).asString()).isEqualTo("unreachable.test");
        assertThat(entry.get("size").asLong()).isEqualTo(STUCK.length);
        assertThat(entry.get("arrival").asString()).isNotEmpty();
        // The same filters and the same shape as 'mailroom queue list --json' (QueueListing).
        assertThat(json(ok(call("GET", "/api/queue?domain=nowhere.test", token, null))).size()).isZero();
        assertThat(json(ok(call("GET", "/api/queue?sender=alice@example.test", token, null))).size()).isGreaterThanOrEqualTo(2);
        JsonNode cli = JSON.readTree(cli("queue", "list", "--json", "--sender", "alice@example.test"));
        JsonNode fromCli = null;
        for (JsonNode e : cli) if (e.get("id").asString().equals(first)) fromCli = e;
        assertThat(fromCli).isNotNull();
        assertThat(iterable(fromCli.propertyNames())).containsExactlyElementsOf(iterable(entry.propertyNames()));

        JsonNode shown = json(ok(call("GET", "/api/queue/" + first, token, null)));
        assertThat(shown.get("history").size()).isGreaterThanOrEqualTo(1);
        assertThat(shown.get("history").get(0).get("destination").asString()).isEqualTo("unreachable.test");
        assertThat(shown.get("history").get(0).get("result").asString()).isNotEmpty();

        int before = attempts(first);
        assertThat(call("POST", "/api/queue/" + first + "/flush", token, null).statusCode()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).until(() -> attempts(first) > before);

        assertThat(call("POST", "/api/queue/" + first + "/bounce", token, null).statusCode()).isEqualTo(204);
        assertThat(server.server.storage().mailQueue().get(first)).isEmpty();
        assertThat(call("DELETE", "/api/queue/" + second, token, null).statusCode()).isEqualTo(204);
        assertError(call("GET", "/api/queue/" + second, token, null), 404, "no queued message");
        assertError(call("POST", "/api/queue/" + second + "/flush", token, null), 404, "no queued message");
        assertError(call("POST", "/api/queue/" + second + "/bounce", token, null), 404, "no queued message");
        assertError(call("DELETE", "/api/queue/" + second, token, null), 404, "no queued message");
    }

    @Test
    void badRequestsGetJsonErrorsAndNeverAStackTrace() throws Exception {
        assertError(call("POST", "/api/domains", token, "{\"name\": "), 400, "not valid JSON");
        assertError(call("POST", "/api/domains", token, "[1, 2]"), 400, "must be a JSON object");
        assertError(call("POST", "/api/domains", token, null), 400, "JSON object is required");
        assertError(call("GET", "/api/nothing-here", token, null), 404, "no such resource");
        assertError(call("GET", "/nothing", null, null), 404, "no such resource");
        HttpResponse<String> method = call("PATCH", "/api/domains", token, "{}");
        assertError(method, 405, "not allowed");
        assertThat(method.headers().firstValue("Allow").orElseThrow()).contains("GET", "POST");
        assertError(call("POST", "/api/domains", token, "{\"name\": \"" + "a".repeat(AdminLimits.MAX_BODY) + "\"}"), 413, "");
        for (String path : List.of("/api/domains", "/api/nothing")) {
            assertThat(call("DELETE", path, token, null).body()).doesNotContain("Exception").doesNotContain("\tat ");
        }
        // What java.net.http refuses to send: a bad escape, a header section over the limit, not HTTP at all.
        assertThat(raw("DELETE /api/domains/%zz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n\r\n"))
                .startsWith("HTTP/1.1 400").contains("malformed path").doesNotContain("Exception");
        assertThat(raw("GET /api/domains HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n"))
                .startsWith("HTTP/1.1 431");
        assertThat(raw("HELLO THERE\r\n\r\n")).startsWith("HTTP/1.1 400").doesNotContain("Exception");
    }

    /** Sends {@code request} as it is and returns what comes back until the server closes or a second passes. */
    private String raw(String request) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.admin().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            java.io.InputStream in = socket.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            // Read the status line and headers, then the body by its Content-Length.
            while (!got.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                int n = in.read(buf);
                if (n < 0) break;
                got.write(buf, 0, n);
            }
            String text = got.toString(StandardCharsets.ISO_8859_1);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(text);
            if (m.find()) {
                int want = text.indexOf("\r\n\r\n") + 4 + Integer.parseInt(m.group(1));
                while (got.size() < want) {
                    int n = in.read(buf);
                    if (n < 0) break;
                    got.write(buf, 0, n);
                }
            }
            return got.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void aTokenNeverAppearsInTheLog() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        Level level = root.getLevel();
        root.setLevel(Level.ALL);
        root.addAppender(captured);
        String wrong = "mrt_" + "W".repeat(43);
        try {
            ok(call("GET", "/api/domains", token, null));
            call("GET", "/api/domains", wrong, null);
            call("POST", "/api/domains", token, "{bad json");
            call("GET", "/metrics", null, null);
        } finally {
            root.detachAppender(captured);
            root.setLevel(level);
        }
        List<String> lines = captured.list.stream().map(e -> e.getFormattedMessage() + " " + e.getMDCPropertyMap()).toList();
        assertThat(lines).anyMatch(l -> l.contains("admin GET /api/domains 200"));
        assertThat(lines).anyMatch(l -> l.contains("admin GET /api/domains 401"));
        assertThat(lines).noneMatch(l -> l.contains(token) || l.contains(token.substring(4)) || l.contains(wrong));
        // Monitors poll every second: nothing per request above DEBUG.
        assertThat(captured.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                .noneMatch(e -> e.getFormattedMessage().contains("/metrics"));
    }

    @Test
    void curlCanUseTheApi() throws Exception {
        String out = Programs.run(null, "curl", "-sS", "-H", "Authorization: Bearer " + token,
                "http://127.0.0.1:" + server.admin().getPort() + "/api/domains");
        assertThat(JSON.readTree(out).findValuesAsString("name")).contains("example.test");
        String denied = Programs.run(null, "curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}",
                "http://127.0.0.1:" + server.admin().getPort() + "/api/domains");
        assertThat(denied).isEqualTo("401");
    }

    // ---- helpers ----

    private String enqueue(String recipient) throws Exception {
        BlobStore blobs = server.server.storage().blobStore();
        String blobId;
        try (BlobStore.BlobWriter w = blobs.create()) {
            w.write(STUCK);
            blobId = w.commit();
        }
        return server.server.storage().mailQueue().enqueue(blobId, "alice@example.test", List.of(recipient), Instant.now());
    }

    private static List<String> iterable(java.util.Collection<String> names) {
        return List.copyOf(names);
    }

    private int attempts(String id) throws Exception {
        return server.server.storage().mailQueue().get(id).map(MailQueue.Entry::attempts).orElse(-1);
    }

    private String cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        String[] full = new String[args.length + 2];
        System.arraycopy(args, 0, full, 0, args.length);
        full[args.length] = "--data";
        full[args.length + 1] = dir.toString();
        int exit = cl.execute(full);
        assertThat(exit).as("%s: %s", List.of(args), err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    private HttpRequest.Builder request(String method, String path, String bearer, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.admin().getPort() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        return b;
    }

    private HttpResponse<String> call(String method, String path, String bearer, String body) throws Exception {
        return http.send(request(method, path, bearer, body).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        return response;
    }

    private static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    private static void assertError(HttpResponse<String> response, int status, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        if (status == 413) return; // Netty's aggregator answers before our code sees the request
        assertThat(json(response).get("error").asString()).contains(message);
    }

    /** The listener's limits, as the test needs them. */
    private static final class AdminLimits {
        static final int MAX_BODY = 64 * 1024;
    }
}
