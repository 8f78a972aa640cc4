package org.mailroom.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A program run to its end: its exit status and its output (stdout and stderr together). */
record Command(int status, String output) {

    static Command run(String... argv) throws IOException, InterruptedException {
        return run(List.of(argv));
    }

    static Command run(List<String> argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(argv + " did not end within two minutes");
        }
        return new Command(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** Runs it and insists on exit status 0. */
    static String ok(String... argv) throws IOException, InterruptedException {
        Command c = run(argv);
        if (c.status() != 0) throw new AssertionError(String.join(" ", argv) + " exited " + c.status() + ":\n" + c.output());
        return c.output();
    }
}
