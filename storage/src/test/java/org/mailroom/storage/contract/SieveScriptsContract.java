package org.mailroom.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.SieveScripts;
import org.mailroom.core.store.SieveScripts.Script;

/** The {@link SieveScripts} contract: what ManageSieve, the CLI and delivery rely on, on every backend. */
public abstract class SieveScriptsContract extends StorageContract {

    private static final String ALICE = "alice@example.test";
    private static final Instant T0 = Instant.parse("2026-12-04T12:00:00Z");

    @Test
    void putListGetAndReplace() throws Exception {
        SieveScripts sieve = open().sieveScripts();
        assertThat(sieve.list(ALICE)).isEmpty();
        assertThat(sieve.get(ALICE, "work")).isEmpty();
        sieve.put(ALICE, "work", "keep;\r\n");
        sieve.put("Alice@Example.TEST", "Ärger", "discard;");
        assertThat(sieve.list(ALICE)).extracting(Script::owner, Script::name, Script::text, Script::active)
                .containsExactly(tuple(ALICE, "work", null, false), tuple(ALICE, "Ärger", null, false));
        assertThat(sieve.get(ALICE, "work").orElseThrow().text()).isEqualTo("keep;\r\n");
        assertThat(sieve.get(ALICE, "Work")).as("names are case-sensitive").isEmpty();
        sieve.put(ALICE, "work", "stop;");
        assertThat(sieve.get(ALICE, "work").orElseThrow().text()).isEqualTo("stop;");
        assertThat(sieve.list("bob@example.test")).isEmpty();
    }

    @Test
    void oneActiveScriptWhichStaysActiveWhenReplacedAndCannotBeDeleted() throws Exception {
        SieveScripts sieve = open().sieveScripts();
        sieve.put(ALICE, "a", "keep;");
        sieve.put(ALICE, "b", "discard;");
        assertThat(sieve.active(ALICE)).isEmpty();
        assertThat(sieve.activate(ALICE, "missing")).isFalse();
        assertThat(sieve.activate(ALICE, "a")).isTrue();
        assertThat(sieve.activate(ALICE, "b")).isTrue();
        assertThat(sieve.list(ALICE)).extracting(Script::name, Script::active)
                .containsExactly(tuple("a", false), tuple("b", true));
        Script active = sieve.active(ALICE).orElseThrow();
        assertThat(active.name()).isEqualTo("b");
        assertThat(active.text()).isEqualTo("discard;");

        sieve.put(ALICE, "b", "stop;");
        assertThat(sieve.active(ALICE).orElseThrow().text()).isEqualTo("stop;");
        assertThat(sieve.delete(ALICE, "b")).as("the active script").isFalse();
        assertThat(sieve.get(ALICE, "b")).isPresent();
        assertThat(sieve.delete(ALICE, "missing")).isFalse();
        assertThat(sieve.delete(ALICE, "a")).isTrue();

        assertThat(sieve.activate(ALICE, null)).isTrue();
        assertThat(sieve.active(ALICE)).isEmpty();
        assertThat(sieve.delete(ALICE, "b")).isTrue();
        assertThat(sieve.list(ALICE)).isEmpty();
    }

    @Test
    void renameKeepsTextAndActivityAndNeverOverwrites() throws Exception {
        SieveScripts sieve = open().sieveScripts();
        sieve.put(ALICE, "a", "keep;");
        sieve.put(ALICE, "b", "discard;");
        sieve.activate(ALICE, "a");
        assertThat(sieve.rename(ALICE, "a", "b")).isFalse();
        assertThat(sieve.rename(ALICE, "missing", "c")).isFalse();
        assertThat(sieve.rename(ALICE, "a", "c")).isTrue();
        assertThat(sieve.list(ALICE)).extracting(Script::name, Script::active)
                .containsExactly(tuple("b", false), tuple("c", true));
        assertThat(sieve.active(ALICE).orElseThrow().text()).isEqualTo("keep;");
    }

    @Test
    void versionChangesOnEveryWriteAndIsSeenByAnotherInstance() throws Exception {
        SieveScripts here = open().sieveScripts();
        SieveScripts there = open().sieveScripts(); // another node, or the admin CLI
        assertThat(there.version(ALICE)).isZero();
        Set<Long> seen = new HashSet<>();
        seen.add(0L);
        List<Callable<?>> writes = List.of(
                () -> { here.put(ALICE, "a", "keep;"); return null; },
                () -> here.activate(ALICE, "a"),
                () -> { here.put(ALICE, "a", "discard;"); return null; },
                () -> { here.put(ALICE, "b", "keep;"); return null; },
                () -> here.rename(ALICE, "b", "c"),
                () -> here.activate(ALICE, null),
                () -> here.delete(ALICE, "c"));
        long last = 0;
        for (Callable<?> write : writes) {
            write.call();
            long version = there.version(ALICE);
            assertThat(seen.add(version)).as("a new version after each write").isTrue();
            assertThat(version).isGreaterThan(last);
            last = version;
        }
        assertThat(there.get(ALICE, "a").orElseThrow().version()).isEqualTo(last);
        assertThat(there.list(ALICE)).extracting(Script::version).containsOnly(last);
        assertThat(there.version("bob@example.test")).as("other owners unchanged").isZero();
    }

    @Test
    void removingTheAccountRemovesItsScriptsAndVersionsNeverRepeat() throws Exception {
        StorageBackend backend = open();
        Directory directory = backend.directory();
        SieveScripts sieve = backend.sieveScripts();
        directory.addDomain("example.test");
        directory.addAccount(ALICE, "pw".toCharArray());
        sieve.put(ALICE, "a", "keep;");
        sieve.activate(ALICE, "a");
        sieve.seenBefore(ALICE, "k", Duration.ofDays(1), T0);
        sieve.put("@example.test", SieveScripts.BEFORE, "keep;");
        long before = sieve.version(ALICE);

        assertThat(directory.removeAccount(ALICE)).isTrue();
        assertThat(sieve.list(ALICE)).isEmpty();
        assertThat(sieve.active(ALICE)).isEmpty();
        assertThat(sieve.seenBefore(ALICE, "k", Duration.ofDays(1), T0.plusSeconds(1))).isFalse();
        assertThat(sieve.get("@example.test", SieveScripts.BEFORE)).as("the domain's stay").isPresent();

        directory.addAccount(ALICE, "pw".toCharArray());
        sieve.put(ALICE, "a", "discard;");
        assertThat(sieve.version(ALICE)).as("a cache of the old account must not match").isGreaterThan(before);

        directory.removeAccount(ALICE);
        directory.removeDomain("example.test");
        assertThat(sieve.list("@example.test")).isEmpty();
    }

    @Test
    void globalScriptsOfADomain() throws Exception {
        SieveScripts sieve = open().sieveScripts();
        sieve.put("@Example.test", SieveScripts.BEFORE, "require \"fileinto\"; fileinto \"Junk\";");
        sieve.put("@example.test", SieveScripts.AFTER, "keep;");
        assertThat(sieve.list("@example.test")).extracting(Script::name).containsExactly("after", "before");
        assertThat(sieve.get("@example.test", SieveScripts.BEFORE).orElseThrow().text()).contains("Junk");
    }

    @Test
    void seenBeforeCountsFromTheFirstMarkWithinThePeriod() throws Exception {
        SieveScripts sieve = open().sieveScripts();
        Duration week = Duration.ofDays(7);
        assertThat(sieve.seenBefore(ALICE, "bob@example.org", week, T0)).isFalse();
        assertThat(sieve.seenBefore(ALICE, "bob@example.org", week, T0.plus(Duration.ofDays(3)))).isTrue();
        assertThat(sieve.seenBefore(ALICE, "carol@example.org", week, T0.plus(Duration.ofDays(3)))).isFalse();
        assertThat(sieve.seenBefore("bob@example.test", "bob@example.org", week, T0.plus(Duration.ofDays(3))))
                .as("per owner").isFalse();
        // A week after the first mark (not the last question) it is new again, and marked anew.
        assertThat(sieve.seenBefore(ALICE, "bob@example.org", week, T0.plus(week))).isFalse();
        assertThat(sieve.seenBefore(ALICE, "bob@example.org", week, T0.plus(week).plusSeconds(1))).isTrue();
        // A shorter period asked later: the mark is older than it.
        assertThat(sieve.seenBefore(ALICE, "carol@example.org", Duration.ofDays(1), T0.plus(Duration.ofDays(5))))
                .isFalse();
    }

    @Test
    void expiredMarksArePruned() throws Exception {
        SieveScripts sieve = open().sieveScripts();
        for (int i = 0; i < 50; i++) sieve.seenBefore(ALICE, "old " + i, Duration.ofSeconds(10), T0);
        // Long after: another owner's question prunes them; none is remembered.
        sieve.seenBefore("bob@example.test", "x", Duration.ofSeconds(10), T0.plus(Duration.ofDays(1)));
        for (int i = 0; i < 50; i++) {
            assertThat(sieve.seenBefore(ALICE, "old " + i, Duration.ofDays(30), T0.plus(Duration.ofDays(1))))
                    .as("the old mark is gone, whatever the period asked now").isFalse();
        }
    }

    @Test
    void concurrentWritersLeaveOneActiveScriptAndAgreeOnSeenBefore() throws Exception {
        SieveScripts one = open().sieveScripts();
        SieveScripts two = open().sieveScripts();
        for (int i = 0; i < 8; i++) one.put(ALICE, "s" + i, "keep;");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int round = 0; round < 4; round++) {
                for (int i = 0; i < 8; i++) {
                    SieveScripts node = i % 2 == 0 ? one : two;
                    String name = "s" + i;
                    results.add(pool.submit(() -> node.activate(ALICE, name)));
                }
            }
            for (Future<Boolean> result : results) assertThat(result.get()).isTrue();
            assertThat(one.list(ALICE)).filteredOn(Script::active).hasSize(1);

            List<Future<Boolean>> seen = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                SieveScripts node = i % 2 == 0 ? one : two;
                seen.add(pool.submit(() -> node.seenBefore(ALICE, "<id@example.org>", Duration.ofDays(1), T0)));
            }
            int first = 0;
            for (Future<Boolean> result : seen) if (!result.get()) first++;
            assertThat(first).as("exactly one saw it first").isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
