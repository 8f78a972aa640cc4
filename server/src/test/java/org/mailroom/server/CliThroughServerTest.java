package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.DkimKeyRecord;
import org.mailroom.storage.embedded.EmbeddedStorage;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The command line talks to the running server's admin API when one runs on its data directory (the server stays
 * the only writer), works on the store directly when none does, and falls back to direct access when the files
 * name a server that was killed.
 */
class CliThroughServerTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    record Run(int exit, String out, String err) {}

    @Test
    void whileTheServerRunsEveryCommandGoesThroughItsApi(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            Path endpoint = dir.resolve("admin.endpoint");
            Path tokenFile = dir.resolve("admin.local-token");
            String url = "http://127.0.0.1:" + server.admin().getPort();
            assertThat(Files.readAllLines(endpoint)).containsExactly(url);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
            String local = Files.readString(tokenFile).trim();
            // Accepted by the API, but never stored in the directory.
            assertThat(server.server.storage().directory().adminTokens()).isEmpty();
            assertThat(call("GET", url + "/api/domains", local, null).statusCode()).isEqualTo(200);

            Run add = cli(dir, "user", "add", "carol@example.test", "--password", "carol pw");
            assertThat(add.exit()).as(add.err()).isZero();
            assertThat(add.out()).contains("account carol@example.test added");
            assertThat(add.err()).contains("through the running server at " + url);
            HttpResponse<String> shown = call("GET", url + "/api/users/carol@example.test", local, null);
            assertThat(shown.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(shown.body()).get("address").asString()).isEqualTo("carol@example.test");
            assertThat(server.server.storage().directory().authenticate("carol@example.test", "carol pw".toCharArray()))
                    .contains("carol@example.test");

            // Refusals come back as the same one line, with exit 1.
            Run again = cli(dir, "user", "add", "carol@example.test", "--password", "x");
            assertThat(again.exit()).isEqualTo(1);
            assertThat(again.err()).contains("mailroom: account 'carol@example.test' exists already");
            assertThat(cli(dir, "domain", "remove", "nowhere.test").err()).contains("'nowhere.test' is not a local domain");

            // Every command family, through the server.
            assertThat(ok(dir, "user", "passwd", "carol@example.test", "--password", "new pw")).contains("password of carol@example.test changed");
            assertThat(server.server.storage().directory().authenticate("carol@example.test", "new pw".toCharArray())).isPresent();
            assertThat(ok(dir, "user", "quota", "carol@example.test", "2MiB")).contains("carol@example.test: 2097152 bytes (its own)");
            assertThat(ok(dir, "user", "quota", "carol@example.test", "none")).contains("(the default, limits.mailbox_quota)");
            String app = ok(dir, "user", "app-password", "add", "carol@example.test", "phone");
            assertThat(app).containsPattern("app password 'phone' of carol@example.test: [a-z]{4}-[a-z]{4}-[a-z]{4}-[a-z]{4}");
            assertThat(ok(dir, "user", "app-password", "list", "carol@example.test")).startsWith("phone\t");
            assertThat(ok(dir, "user", "app-password", "remove", "carol@example.test", "phone")).contains("removed");
            assertThat(ok(dir, "user", "list", "example.test")).contains("alice@example.test", "carol@example.test");
            assertThat(ok(dir, "alias", "add", "sales@example.test", "carol@example.test")).contains("added");
            assertThat(ok(dir, "alias", "list", "sales@example.test")).isEqualTo("sales@example.test carol@example.test\n");
            assertThat(ok(dir, "alias", "remove", "sales@example.test", "carol@example.test")).contains("removed");

            String domain = ok(dir, "domain", "add", "fresh.test");
            assertThat(domain).contains("domain fresh.test added").containsPattern("dkim key mr\\d{8}r\\._domainkey\\.fresh\\.test \\(rsa-sha256\\) made");
            assertThat(server.server.storage().directory().dkimKeys("fresh.test")).hasSize(2);
            assertThat(ok(dir, "dkim", "list", "fresh.test")).contains("fresh.test mr", " rsa-sha256 active signs (made ");
            String rotated = ok(dir, "dkim", "rotate", "fresh.test");
            assertThat(rotated).contains("published, signs from ").contains("publish the new records now");
            String selector = server.server.storage().directory().dkimKeys("fresh.test").stream()
                    .filter(k -> k.state() == DkimKeyRecord.State.PUBLISHED).findFirst().orElseThrow().selector();
            assertThat(ok(dir, "dkim", "retire", "fresh.test", selector)).contains("dkim key " + selector + " of fresh.test removed");
            assertThat(cli(dir, "dkim", "rotate", "nowhere.test").err()).contains("not a local domain");

            String token = ok(dir, "admin", "token", "add", "ops").lines().findFirst().orElseThrow();
            assertThat(token).startsWith("mrt_");
            assertThat(call("GET", url + "/api/domains", token, null).statusCode()).isEqualTo(200);
            assertThat(ok(dir, "admin", "token", "list")).startsWith("ops\t");
            assertThat(ok(dir, "admin", "token", "remove", "ops")).contains("removed");
            assertThat(call("GET", url + "/api/domains", token, null).statusCode()).isEqualTo(401);

            assertThat(ok(dir, "queue", "list")).startsWith("0 messages");
            assertThat(ok(dir, "queue", "list", "--json").trim()).isEqualTo("[ ]");
            assertThat(ok(dir, "queue", "flush")).isEqualTo("0 flushed\n");
            assertThat(cli(dir, "queue", "show", "nope").err()).contains("no queued message nope");
            assertThat(ok(dir, "user", "remove", "carol@example.test")).contains("removed");
            assertThat(ok(dir, "domain", "remove", "fresh.test")).contains("domain fresh.test removed");
        }
        // Stopped: the files are gone and the command line works on the data directory itself.
        assertThat(dir.resolve("admin.endpoint")).doesNotExist();
        assertThat(dir.resolve("admin.local-token")).doesNotExist();
        Run direct = cli(dir, "user", "add", "dave@example.test", "--password", "dave pw");
        assertThat(direct.exit()).as(direct.err()).isZero();
        assertThat(direct.err()).doesNotContain("through the running server");
        assertThat(ok(dir, "user", "list")).contains("dave@example.test");
    }

    @Test
    void newApiRoutesNeedATokenAndRefuseBadBodies(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            String url = "http://127.0.0.1:" + server.admin().getPort();
            String local = Files.readString(dir.resolve("admin.local-token")).trim();
            for (String[] route : List.of(new String[] {"GET", "/api/tokens"}, new String[] {"POST", "/api/tokens"},
                    new String[] {"GET", "/api/dkim"}, new String[] {"POST", "/api/queue/flush"},
                    new String[] {"GET", "/api/users/alice@example.test"},
                    new String[] {"PUT", "/api/users/alice@example.test/quota"},
                    new String[] {"GET", "/api/users/alice@example.test/app-passwords"},
                    new String[] {"DELETE", "/api/tokens/x"})) {
                assertThat(call(route[0], url + route[1], "mrl_wrong", "{}").statusCode()).as(route[1]).isEqualTo(401);
            }
            assertError(call("POST", url + "/api/tokens", local, "{\"name\": "), 400, "not valid JSON");
            assertError(call("POST", url + "/api/tokens", local, "{\"name\": \"bad name!\"}"), 400, "token name");
            assertError(call("PUT", url + "/api/users/alice@example.test/quota", local, "{\"quota\": true}"), 400, "\"quota\"");
            assertError(call("PUT", url + "/api/users/nobody@example.test/quota", local, "{\"quota\": 5}"), 404, "no account");
            HttpResponse<String> quota = call("PUT", url + "/api/users/alice@example.test/quota", local, "{\"quota\": 1000}");
            assertThat(quota.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(call("GET", url + "/api/users/alice@example.test", local, null).body()).get("quota").asLong())
                    .isEqualTo(1000);
            HttpResponse<String> made = call("POST", url + "/api/users/alice@example.test/app-passwords", local, "{\"name\": \"tablet\"}");
            assertThat(made.statusCode()).isEqualTo(201);
            String password = JSON.readTree(made.body()).get("password").asString();
            assertThat(server.server.storage().directory().authenticate("alice@example.test", password.toCharArray())).isPresent();
            assertError(call("POST", url + "/api/users/alice@example.test/app-passwords", local, "{\"name\": \"tablet\"}"), 409, "already");
            assertThat(call("DELETE", url + "/api/users/alice@example.test/app-passwords/tablet", local, null).statusCode()).isEqualTo(204);
            assertError(call("DELETE", url + "/api/users/alice@example.test/app-passwords/tablet", local, null), 404, "no app password");
            HttpResponse<String> keys = call("GET", url + "/api/dkim?domain=example.test", local, null);
            assertThat(keys.statusCode()).isEqualTo(200);
            assertThat(keys.body()).doesNotContain("private");
            assertError(call("DELETE", url + "/api/domains/example.test/dkim/nokey", local, null), 404, "has no DKIM key");
            JsonNode flushed = JSON.readTree(call("POST", url + "/api/queue/flush", local, null).body());
            assertThat(flushed.get("flushed").asInt()).isZero();
        }
    }

    @Test
    void withoutAServerTheCommandsOpenTheStoreDirectly(@TempDir Path dir) {
        Run domain = cli(dir, "domain", "add", "quiet.test");
        assertThat(domain.exit()).as(domain.err()).isZero();
        assertThat(domain.err()).isEmpty();
        Run user = cli(dir, "user", "add", "erin@quiet.test", "--password", "pw");
        assertThat(user.exit()).as(user.err()).isZero();
        assertThat(user.err()).doesNotContain("through the running server");
        assertThat(ok(dir, "user", "list")).isEqualTo("erin@quiet.test\n");
    }

    @Test
    void aKilledServerLeavesAStaleEndpointAndTheCommandsWorkDirectly(@TempDir Path dir) throws Exception {
        assertThat(ok(dir, "domain", "add", "crash.test")).contains("added");
        Process jvm = ServerJvm.start(dir, dir.resolve("server.log"), "listen.admin=\"127.0.0.1:0\"");
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(dir.resolve("admin.endpoint")));
            Run live = cli(dir, "user", "add", "frank@crash.test", "--password", "pw");
            assertThat(live.exit()).as(live.err()).isZero();
            assertThat(live.err()).contains("through the running server");
        } finally {
            jvm.destroyForcibly(); // SIGKILL: no shutdown hook, the files stay
            jvm.waitFor();
        }
        assertThat(dir.resolve("admin.endpoint")).exists();
        Run stale = cli(dir, "user", "add", "grace@crash.test", "--password", "pw");
        assertThat(stale.exit()).as(stale.err()).isZero();
        assertThat(stale.err()).contains("stale admin.endpoint").contains("working on the data directory directly");
        try (EmbeddedStorage storage = EmbeddedStorage.open(dir)) {
            Directory directory = storage.directory();
            assertThat(directory.accounts()).contains("frank@crash.test", "grace@crash.test");
        }
    }

    // ---- helpers ----

    private static Run cli(Path dir, String... args) {
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
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String ok(Path dir, String... args) {
        Run r = cli(dir, args);
        assertThat(r.exit()).as("%s: %s", List.of(args), r.err()).isZero();
        return r.out();
    }

    private HttpResponse<String> call(String method, String url, String bearer, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(HttpResponse<String> response, int status, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(JSON.readTree(response.body()).get("error").asString()).contains(message);
    }

}
