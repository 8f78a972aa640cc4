package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Disabling an account (issue 14): with a real server, IMAP LOGIN and SMTP AUTH (Angus Mail) of a disabled account
 * are refused even right after a successful login of the same password (the login cache), mail to it is still
 * stored, and enabling it lets it log in again and read that mail. The command line goes through the running
 * server's API; the API's own refusals are checked too.
 */
class DisabledAccountTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ALICE = "alice@example.test";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void aDisabledAccountCannotLogInAtOnceButStillReceivesMail(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            // Logged in once each: the password is now in the login cache.
            imapLogin(server);
            submit(server, "before");

            assertThat(cli(dir, "user", "disable", "Alice@Example.TEST")).contains("account " + ALICE + " disabled");
            assertThatThrownBy(() -> imapLogin(server)).isInstanceOf(AuthenticationFailedException.class);
            assertThatThrownBy(() -> submit(server, "refused")).isInstanceOf(AuthenticationFailedException.class);

            // Mail to it is still accepted and stored (port 25, no login).
            Properties props = new Properties();
            props.put("mail.smtp.host", "127.0.0.1");
            props.put("mail.smtp.port", String.valueOf(server.smtp().getPort()));
            props.put("mail.smtp.localhost", "client.test");
            props.put("mail.smtp.timeout", "10000");
            Transport.send(message(Session.getInstance(props), "bob@example.test", ALICE, "while disabled"));

            assertThat(cli(dir, "user", "enable", ALICE)).contains("account " + ALICE + " enabled");
            try (IMAPStore store = imapLogin(server)) {
                Folder inbox = store.getFolder("INBOX");
                inbox.open(Folder.READ_ONLY);
                boolean found = false;
                for (Message m : inbox.getMessages()) found |= "while disabled".equals(m.getSubject());
                assertThat(found).as("the mail sent while disabled is in the INBOX").isTrue();
            }
            submit(server, "after");
        }
    }

    @Test
    void theApiSetsAndShowsTheStateAndRefusesBadBodiesAndUnknownUsers(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            String url = "http://127.0.0.1:" + server.admin().getPort();
            String token = Files.readString(dir.resolve("admin.local-token")).trim();
            HttpResponse<String> set = call("PUT", url + "/api/users/bob@example.test/disabled", token, "{\"disabled\": true}");
            assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
            assertThat(JSON.readTree(set.body()).get("address").asString()).isEqualTo("bob@example.test");
            assertThat(JSON.readTree(set.body()).get("disabled").asBoolean()).isTrue();
            assertThat(server.server.storage().directory().isDisabled("bob@example.test")).isTrue();

            JsonNode shown = JSON.readTree(call("GET", url + "/api/users/bob@example.test", token, null).body());
            assertThat(shown.get("disabled").asBoolean()).isTrue();
            for (JsonNode u : JSON.readTree(call("GET", url + "/api/users", token, null).body())) {
                assertThat(u.get("disabled").asBoolean()).as(u.toString())
                        .isEqualTo(u.get("address").asString().equals("bob@example.test"));
            }

            assertError(call("PUT", url + "/api/users/bob@example.test/disabled", token, "{}"), 400, "\"disabled\"");
            assertError(call("PUT", url + "/api/users/bob@example.test/disabled", token, "{\"disabled\": \"yes\"}"), 400,
                    "\"disabled\"");
            assertError(call("PUT", url + "/api/users/bob@example.test/disabled", token, "not json"), 400, "");
            assertError(call("PUT", url + "/api/users/nobody@example.test/disabled", token, "{\"disabled\": true}"), 404,
                    "no account");
            assertThat(call("PUT", url + "/api/users/bob@example.test/disabled", null, "{\"disabled\": false}").statusCode())
                    .isEqualTo(401);

            HttpResponse<String> enabled = call("PUT", url + "/api/users/bob@example.test/disabled", token, "{\"disabled\": false}");
            assertThat(JSON.readTree(enabled.body()).get("disabled").asBoolean()).isFalse();
            assertThat(server.server.storage().directory().isDisabled("bob@example.test")).isFalse();
        }
        // Without a server the command line changes the store itself.
        assertThat(cli(dir, "user", "disable", "bob@example.test")).contains("disabled");
        assertThat(cli(dir, "user", "enable", "bob@example.test")).contains("enabled");
    }

    private static IMAPStore imapLogin(TestServer server) throws Exception {
        Properties props = new Properties();
        props.put("mail.imap.host", "127.0.0.1");
        props.put("mail.imap.port", String.valueOf(server.imap().getPort()));
        props.put("mail.imap.timeout", "10000");
        props.put("mail.imap.connectiontimeout", "10000");
        IMAPStore store = (IMAPStore) Session.getInstance(props).getStore("imap");
        store.connect(ALICE, TestServer.PASSWORD);
        return store;
    }

    /** Sends as Alice over 587 with STARTTLS and AUTH PLAIN. */
    private static void submit(TestServer server, String subject) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(server.submission().getPort()));
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.auth.mechanisms", "PLAIN");
        props.put("mail.smtp.starttls.enable", "true");
        props.put("mail.smtp.starttls.required", "true");
        props.put("mail.smtp.ssl.trust", "*");
        props.put("mail.smtp.timeout", "10000");
        Session session = Session.getInstance(props);
        Transport.send(message(session, ALICE, "bob@example.test", subject), ALICE, TestServer.PASSWORD);
    }

    private static MimeMessage message(Session session, String from, String to, String subject) throws Exception {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(from));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        m.setSubject(subject);
        m.setText("hello");
        return m;
    }

    private static String cli(Path dir, String... args) {
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
        assertThat(exit).as("%s: %s", String.join(" ", args), err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    private HttpResponse<String> call(String method, String url, String bearer, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(HttpResponse<String> response, int status, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(JSON.readTree(response.body()).get("error").asString()).contains(message);
    }
}
