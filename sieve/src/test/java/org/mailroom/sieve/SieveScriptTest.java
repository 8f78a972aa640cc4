package org.mailroom.sieve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What the corpus cannot say: failures of the outside world, sharing a compiled script, laziness, the contract. */
class SieveScriptTest {

    private static final byte[] MESSAGE = ("From: bob@example.net\r\nTo: alice@example.org\r\nSubject: hello\r\n"
            + "Message-ID: <1@example.net>\r\n\r\nbody text\r\n").getBytes(StandardCharsets.US_ASCII);

    @Test
    void extensionsNameEveryImplementedOne() {
        assertThat(SieveCompiler.extensions()).contains("fileinto", "reject", "ereject", "envelope", "encoded-character",
                "variables", "vacation", "vacation-seconds", "imap4flags", "copy", "body", "relational",
                "comparator-i;ascii-numeric", "subaddress", "date", "index", "mailbox", "include", "duplicate",
                "editheader", "regex");
    }

    @Test
    void everyExtensionCanBeRequired() throws Exception {
        String all = String.join("\", \"", SieveCompiler.extensions());
        assertThat(new SieveCompiler().compile("all", "require [\"" + all + "\"];\nkeep;\n").name()).isEqualTo("all");
    }

    @Test
    void syntaxErrorCarriesItsLine() {
        try {
            new SieveCompiler().compile("bad", "keep;\n\n\nif header :is \"a\" \"b\" {\n  discard;\n\nfileinto \"x;\n}\n");
        } catch (SieveSyntaxException e) {
            assertThat(e.line()).isEqualTo(7);
            assertThat(e.getMessage()).startsWith("line 7: ");
            return;
        }
        throw new AssertionError("compiled");
    }

    @Test
    void unreadableMessageKeeps() throws Exception {
        SieveScript s = new SieveCompiler().compile("t", "require \"fileinto\";\nif header :is \"subject\" \"x\" { fileinto \"X\"; }\n");
        SieveMessage broken = new Msg(MESSAGE) {
            @Override
            public InputStream open() throws IOException {
                throw new IOException("disk gone");
            }
        };
        SieveOutcome o = s.run(broken, new Env());
        assertThat(o.actions()).containsExactly(new SieveAction.Keep(Set.of()));
        assertThat(o.error()).contains("disk gone");
    }

    @Test
    void failingEnvironmentKeeps() throws Exception {
        SieveScript s = new SieveCompiler().compile("t", "require [\"duplicate\", \"fileinto\"];\nif duplicate { discard; }\n");
        SieveOutcome o = s.run(new Msg(MESSAGE), new Env() {
            @Override
            public boolean seenBefore(String key, Duration period) {
                throw new IllegalStateException("database down");
            }
        });
        assertThat(o.actions()).containsExactly(new SieveAction.Keep(Set.of()));
        assertThat(o.error()).contains("database down");
    }

    @Test
    void envelopeOnlyScriptNeverReadsTheMessage() throws Exception {
        SieveScript s = new SieveCompiler().compile("t", "require [\"envelope\", \"fileinto\"];\n"
                + "if envelope :domain \"from\" \"example.net\" { fileinto \"Net\"; }\n");
        AtomicInteger opens = new AtomicInteger();
        SieveOutcome o = s.run(new Msg(MESSAGE) {
            @Override
            public InputStream open() throws IOException {
                opens.incrementAndGet();
                return super.open();
            }
        }, new Env());
        assertThat(o.actions()).containsExactly(new SieveAction.FileInto("Net", Set.of(), false));
        assertThat(opens).hasValue(0);
    }

    @Test
    void headerSectionIsReadOncePerRun() throws Exception {
        SieveScript s = new SieveCompiler().compile("t", "if header :is \"subject\" \"a\" { stop; }\n"
                + "if header :is \"from\" \"b\" { stop; }\nif address :is \"to\" \"c\" { stop; }\nif exists \"x\" { stop; }\n");
        AtomicInteger opens = new AtomicInteger();
        s.run(new Msg(MESSAGE) {
            @Override
            public InputStream open() throws IOException {
                opens.incrementAndGet();
                return super.open();
            }
        }, new Env());
        assertThat(opens).hasValue(1);
    }

    @Test
    void oneCompiledScriptRunsOnManyThreads() throws Exception {
        SieveScript s = new SieveCompiler().compile("t", "require [\"fileinto\", \"variables\", \"imap4flags\"];\n"
                + "if header :matches \"subject\" \"*l*\" { addflag \"$${2}\"; fileinto \"By/${1}\"; }\n");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<SieveOutcome>> runs = new ArrayList<>();
            for (int i = 0; i < 200; i++) runs.add(pool.submit(() -> s.run(new Msg(MESSAGE), new Env())));
            for (Future<SieveOutcome> f : runs) {
                assertThat(f.get().actions()).containsExactly(new SieveAction.FileInto("By/he", Set.of("$lo"), false));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static class Msg implements SieveMessage {
        private final byte[] bytes;

        Msg(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public String envelopeFrom() {
            return "bob@example.net";
        }

        @Override
        public String envelopeTo() {
            return "alice@example.org";
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public InputStream open() throws IOException {
            return new ByteArrayInputStream(bytes);
        }
    }

    static class Env implements SieveEnvironment {
        @Override
        public String account() {
            return "alice@example.org";
        }

        @Override
        public Set<String> addresses() {
            return Set.of("alice@example.org");
        }

        @Override
        public boolean mailboxExists(String mailbox) {
            return false;
        }

        @Override
        public boolean seenBefore(String key, Duration period) {
            return false;
        }

        @Override
        public Optional<String> includedScript(boolean global, String name) {
            return Optional.empty();
        }

        @Override
        public ZonedDateTime now() {
            return ZonedDateTime.parse("2026-12-04T10:00:00Z");
        }
    }
}
