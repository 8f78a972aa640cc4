package org.mailroom.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.Directory;

/**
 * A benchmark, not a timed test: logins for an unknown user and with a wrong password through the real directory
 * (argon2id), interleaved, and the two distributions printed. They should overlap; nothing is asserted about
 * times because CI machines are noisy. Only the outcomes are checked.
 */
class LoginTimingBenchmarkTest {

    private static final int ROUNDS = 12;

    @TempDir
    Path dataDir;

    @Test
    void unknownUserCostsWhatAWrongPasswordCosts() throws Exception {
        try (EmbeddedStorage storage = EmbeddedStorage.open(dataDir)) {
            Directory directory = storage.directory();
            directory.addDomain("example.test");
            directory.addAccount("alice@example.test", "right".toCharArray());
            directory.authenticate("nobody@example.test", "warm".toCharArray()); // warm up the JIT
            directory.authenticate("alice@example.test", "warm".toCharArray());

            long[] unknown = new long[ROUNDS];
            long[] wrong = new long[ROUNDS];
            for (int i = 0; i < ROUNDS; i++) {
                long start = System.nanoTime();
                assertThat(directory.authenticate("nobody" + i + "@example.test", "guess".toCharArray())).isEmpty();
                unknown[i] = System.nanoTime() - start;
                start = System.nanoTime();
                assertThat(directory.authenticate("alice@example.test", ("guess" + i).toCharArray())).isEmpty();
                wrong[i] = System.nanoTime() - start;
            }
            System.out.println("login timing (ms), " + ROUNDS + " rounds each, argon2id m=19 MiB t=2 p=1");
            System.out.println("  unknown user:   " + summary(unknown));
            System.out.println("  wrong password: " + summary(wrong));
        }
    }

    private static String summary(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "min %.1f  p50 %.1f  p90 %.1f  max %.1f", ms(sorted[0]),
                ms(sorted[sorted.length / 2]), ms(sorted[(int) (sorted.length * 0.9)]), ms(sorted[sorted.length - 1]));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
