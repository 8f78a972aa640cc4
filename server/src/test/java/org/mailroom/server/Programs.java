package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real client programs of the interoperability tests (python3, curl, openssl, swaks, mbsync). */
final class Programs {

    private Programs() {}

    /** What a program said, stdout and stderr together, and how it ended. */
    record Result(int exit, String output) {}

    /**
     * Runs a program with {@code stdin} (null: none) and waits for it, a minute at most: a program that hangs
     * fails the test rather than the build. Output is read while it runs, so a talkative one never blocks.
     */
    static Result result(String stdin, List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try {
                p.getInputStream().transferTo(out);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            reader.join(5_000);
            throw new AssertionError("timed out: " + command + "\n" + out.toString(StandardCharsets.UTF_8));
        }
        reader.join(5_000);
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
    }

    static Result result(String stdin, String... command) throws Exception {
        return result(stdin, List.of(command));
    }

    /** Runs a program that must succeed (exit 0); returns its output. */
    static String run(String stdin, List<String> command) throws Exception {
        Result r = result(stdin, command);
        assertThat(r.exit()).as("exit of %s, output:\n%s", command, r.output()).isZero();
        return r.output();
    }

    static String run(String stdin, String... command) throws Exception {
        return run(stdin, List.of(command));
    }
}
