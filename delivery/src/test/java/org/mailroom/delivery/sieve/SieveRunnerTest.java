package org.mailroom.delivery.sieve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mailroom.core.store.SieveScripts;
import org.mailroom.sieve.SieveAction;
import org.mailroom.sieve.SieveOutcome;
import org.mailroom.sieve.SieveScript;

/**
 * The runner with scripts whose text names what they do ("keep", "discard", "file:Box", "fail", "throw"):
 * the order of the domain's and the account's scripts, errors as the implicit keep, one compile per version.
 */
class SieveRunnerTest {

    private final Scripts scripts = new Scripts();
    private final List<String> compiled = new ArrayList<>();
    private final SieveRunner runner = new SieveRunner(scripts, null, null, null, (name, text) -> {
        compiled.add(text);
        return script(name, text);
    }, Clock.systemUTC(), SieveRunner.VacationPeriods.DEFAULT);

    private static SieveScript script(String name, String text) {
        return new SieveScript() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public SieveOutcome run(org.mailroom.sieve.SieveMessage message, org.mailroom.sieve.SieveEnvironment env) {
                if (text.equals("throw")) throw new IllegalStateException("bug in the interpreter");
                if (text.equals("fail")) return SieveOutcome.failed("line 1: something at run time");
                if (text.equals("discard")) return new SieveOutcome(List.of(), List.of(), null);
                if (text.startsWith("file:")) {
                    return new SieveOutcome(List.of(new SieveAction.FileInto(text.substring(5), Set.of(), false)), List.of(), null);
                }
                return new SieveOutcome(List.of(new SieveAction.Keep(Set.of(text))), List.of(), null);
            }
        };
    }

    private SieveRunner.Decision run() throws IOException {
        return runner.run("alice@a.test", "carol@c.test", "alice@a.test", "blob", 10).orElseThrow();
    }

    @Test
    void noScriptAnywhereMeansNoDecision() throws IOException {
        assertThat(runner.run("alice@a.test", "", "alice@a.test", "blob", 10)).isEmpty();
    }

    @Test
    void aScriptThatThrowsOrFailsIsTheImplicitKeepWithTheError() throws IOException {
        scripts.set("alice@a.test", "main", "throw");
        SieveRunner.Decision d = run();
        assertThat(d.actions()).containsExactly(new SieveAction.Keep(Set.of()));
        assertThat(d.errors()).singleElement().asString().contains("bug in the interpreter");
        scripts.set("alice@a.test", "main", "fail");
        assertThat(run().errors()).singleElement().asString().contains("something at run time");
    }

    @Test
    void beforeThenPersonalThenAfterWhileKept() throws IOException {
        scripts.set("@a.test", SieveScripts.BEFORE, "\\Seen");
        scripts.set("alice@a.test", "main", "file:Work");
        scripts.set("@a.test", SieveScripts.AFTER, "discard");
        // The account's script filed it: not kept, so the after script does not run.
        assertThat(run().actions()).containsExactly(new SieveAction.FileInto("Work", Set.of(), false));
        scripts.set("alice@a.test", "main", "$Mine");
        // Kept by the account's script: the after script discards it.
        assertThat(run().actions()).isEmpty();
        scripts.set("@a.test", SieveScripts.BEFORE, "discard");
        scripts.set("@a.test", SieveScripts.AFTER, "keep");
        // Discarded by the domain before the account's script could see it.
        assertThat(run().actions()).isEmpty();
    }

    @Test
    void compiledOncePerVersion() throws IOException {
        scripts.set("alice@a.test", "main", "one");
        run();
        run();
        assertThat(compiled).containsExactly("one");
        scripts.set("alice@a.test", "main", "two"); // as if uploaded on another node: the version moves
        assertThat(run().actions()).containsExactly(new SieveAction.Keep(Set.of("two")));
        assertThat(compiled).containsExactly("one", "two");
    }

    /** Just enough of the store: one active script per account, named scripts per domain, a version counter. */
    private static final class Scripts implements SieveScripts {
        private final Map<String, Map<String, String>> byOwner = new HashMap<>();
        private final Map<String, Long> versions = new HashMap<>();
        private long counter;

        void set(String owner, String name, String text) {
            byOwner.computeIfAbsent(owner, o -> new HashMap<>()).put(name, text);
            versions.put(owner, ++counter);
        }

        @Override
        public List<Script> list(String owner) {
            return List.of();
        }

        @Override
        public Optional<Script> get(String owner, String name) {
            String text = byOwner.getOrDefault(owner, Map.of()).get(name);
            return Optional.ofNullable(text).map(t -> new Script(owner, name, t, false, version(owner)));
        }

        @Override
        public void put(String owner, String name, String text) {
            set(owner, name, text);
        }

        @Override
        public boolean delete(String owner, String name) {
            return false;
        }

        @Override
        public boolean rename(String owner, String from, String to) {
            return false;
        }

        @Override
        public boolean activate(String owner, String name) {
            return true;
        }

        @Override
        public Optional<Script> active(String owner) {
            return get(owner, "main");
        }

        @Override
        public long version(String owner) {
            return versions.getOrDefault(owner, 0L);
        }

        @Override
        public boolean seenBefore(String owner, String key, Duration period, Instant now) {
            return false;
        }
    }
}
