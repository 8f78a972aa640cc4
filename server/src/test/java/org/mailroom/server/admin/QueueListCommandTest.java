package org.mailroom.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MailQueue;
import org.mailroom.server.Main;
import org.mailroom.server.Server;
import org.mailroom.server.config.Config;
import org.mailroom.storage.Storage;
import org.mailroom.storage.postgres.TestPostgres;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code mailroom queue list} through the real command line, on the embedded store and on PostgreSQL: every
 * pending recipient with its domain (also of messages never tried), {@code --domain}, {@code --sender} and
 * {@code --json}.
 */
class QueueListCommandTest {

    static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
    static final byte[] MESSAGE = "Subject: queued\r\n\r\nwaiting\r\n".getBytes(StandardCharsets.UTF_8);

    abstract static class Backend {
        @TempDir
        Path data;
        String neverTried;
        String tried;
        String bounce;

        abstract Map<String, String> storeKeys();

        @BeforeEach
        void fill() throws Exception {
            Map<String, String> o = new HashMap<>(storeKeys());
            o.put("server.data_dir", StoreOptions.tomlString(data.toString()));
            try (Storage s = Server.openStorage(Config.load(Optional.empty(), o))) {
                MailQueue q = s.mailQueue();
                tried = q.enqueue(blob(s.blobStore()), "bob@a.test", List.of("erin@example.org", "frank@third.test"),
                        T0.plusSeconds(60));
                // Tried once: erin's copy went, frank's waits with the reply it got.
                q.claimDue(T0.plusSeconds(61), 10, java.time.Duration.ofMinutes(5));
                q.recordAttempt(tried, List.of(
                        new MailQueue.Outcome("erin@example.org", MailQueue.RecipientState.DELIVERED, "250 2.0.0 ok"),
                        new MailQueue.Outcome("frank@third.test", MailQueue.RecipientState.PENDING,
                                "451 4.3.0 try later")), T0.plusSeconds(600), "frank@third.test: 451 4.3.0 try later");
                neverTried = q.enqueue(blob(s.blobStore()), "alice@a.test",
                        List.of("bob@Example.ORG", "carol@example.org", "dave@other.test"), T0);
                bounce = q.enqueue(blob(s.blobStore()), null, List.of("alice@example.org"), T0.plusSeconds(120));
            }
        }

        private static String blob(BlobStore blobs) throws Exception {
            try (BlobStore.BlobWriter w = blobs.create()) {
                w.write(MESSAGE);
                return w.commit();
            }
        }

        /** Runs {@code mailroom ARGS} on this store in-process; its stdout (stderr when it fails). */
        String cli(String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            picocli.CommandLine cl = Main.commandLine();
            cl.setOut(new PrintWriter(out));
            cl.setErr(new PrintWriter(err));
            List<String> all = new ArrayList<>(List.of(args));
            all.add("--data");
            all.add(data.toString());
            for (Map.Entry<String, String> e : storeKeys().entrySet()) {
                all.add("--set");
                all.add(e.getKey() + "=" + e.getValue());
            }
            int code = cl.execute(all.toArray(new String[0]));
            return code == 0 ? out.toString() : "exit " + code + ": " + err;
        }

        @Test
        void listShowsEveryPendingRecipientAndItsDomain() {
            String list = cli("queue", "list");
            assertThat(list).contains(neverTried + "  2026-12-04T10:00:00Z  from <alice@a.test>  " + MESSAGE.length
                    + " bytes  3 pending of 3  tries 0");
            assertThat(list).contains(
                    "    to <bob@Example.ORG>  example.org  (not tried yet)",
                    "    to <carol@example.org>  example.org  (not tried yet)",
                    "    to <dave@other.test>  other.test  (not tried yet)",
                    "from <bob@a.test>  " + MESSAGE.length + " bytes  1 pending of 2  tries 1",
                    "    to <frank@third.test>  third.test  last: 451 4.3.0 try later",
                    "from <>",
                    "3 messages, 5 recipients pending");
            assertThat(list).doesNotContain("erin@example.org"); // delivered: no longer waiting
        }

        @Test
        void domainAndSenderFilter() {
            String org = cli("queue", "list", "--domain", "EXAMPLE.org");
            assertThat(org).contains(neverTried, bounce, "2 messages, 4 recipients pending").doesNotContain(tried);
            // erin@example.org was delivered: the message waits only for third.test.
            assertThat(cli("queue", "list", "--domain", "@third.test")).contains(tried, "1 message, 1 recipient pending")
                    .doesNotContain(neverTried);
            assertThat(cli("queue", "list", "--domain", "nowhere.test")).isEqualTo("0 messages, 0 recipients pending\n");
            assertThat(cli("queue", "list", "--sender", "<Bob@a.test>")).contains(tried).doesNotContain(neverTried, bounce);
            assertThat(cli("queue", "list", "--sender", "<>")).contains(bounce, "1 message").doesNotContain(neverTried);
            assertThat(cli("queue", "list", "--sender", "alice@a.test", "--domain", "other.test"))
                    .contains(neverTried, "1 message").doesNotContain(tried, bounce);
            assertThat(cli("queue", "list", "--sender", "alice@a.test", "--domain", "third.test"))
                    .startsWith("0 messages");
        }

        @Test
        void jsonIsOneArrayWithEveryRecipientAndItsState() throws Exception {
            JsonNode all = JsonMapper.builder().build().readTree(cli("queue", "list", "--json"));
            assertThat(all.isArray()).isTrue();
            assertThat(all.size()).isEqualTo(3);
            JsonNode first = find(all, neverTried);
            assertThat(first.get("sender").asString()).isEqualTo("alice@a.test");
            assertThat(first.get("size").asLong()).isEqualTo(MESSAGE.length);
            assertThat(first.get("arrival").asString()).isEqualTo("2026-12-04T10:00:00Z");
            assertThat(first.get("next_attempt").asString()).isEqualTo("2026-12-04T10:00:00Z");
            assertThat(first.get("attempts").asInt()).isZero();
            assertThat(first.get("recipients").size()).isEqualTo(3);
            JsonNode bob = first.get("recipients").get(0);
            assertThat(bob.get("address").asString()).isEqualTo("bob@Example.ORG");
            assertThat(bob.get("domain").asString()).isEqualTo("example.org");
            assertThat(bob.get("state").asString()).isEqualTo("pending");
            assertThat(bob.get("last_reply").isNull()).isTrue();

            JsonNode second = find(all, tried);
            assertThat(second.get("next_attempt").asString()).isEqualTo("2026-12-04T10:10:00Z");
            assertThat(second.get("recipients").get(0).get("state").asString()).isEqualTo("delivered");
            assertThat(second.get("recipients").get(0).get("last_reply").asString()).isEqualTo("250 2.0.0 ok");
            assertThat(second.get("recipients").get(1).get("last_reply").asString()).isEqualTo("451 4.3.0 try later");
            assertThat(find(all, bounce).get("sender").asString()).isEmpty();

            JsonNode filtered = JsonMapper.builder().build().readTree(cli("queue", "list", "--json", "--domain", "third.test"));
            assertThat(filtered.size()).isEqualTo(1);
            assertThat(filtered.get(0).get("id").asString()).isEqualTo(tried);
            assertThat(JsonMapper.builder().build().readTree(cli("queue", "list", "--json", "--sender", "x@y.test")).size())
                    .isZero();
        }

        private static JsonNode find(JsonNode all, String id) {
            for (JsonNode n : all) if (n.get("id").asString().equals(id)) return n;
            throw new AssertionError("no entry " + id + " in " + all);
        }
    }

    @Nested
    class Embedded extends Backend {
        @Override
        Map<String, String> storeKeys() {
            return Map.of();
        }
    }

    @Nested
    class Postgres extends Backend {
        @RegisterExtension
        static final TestPostgres postgres = new TestPostgres();

        @Override
        Map<String, String> storeKeys() {
            return Map.of("store.backend", "\"postgresql\"", "store.url", StoreOptions.tomlString(postgres.url()));
        }
    }
}
