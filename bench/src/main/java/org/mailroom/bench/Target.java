package org.mailroom.bench;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every load shares: where the server is, its pid for /proc figures, and how many runs. */
final class Target {

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server address (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", required = true, description = "Server port.")
    int port;

    @Option(names = "--server-pid", paramLabel = "PID",
            description = "Root process of the server (JVM, Postfix master, Dovecot master): CPU and memory "
                    + "figures are read from /proc for it and all its descendants.")
    Long serverPid;

    @Option(names = "--runs", defaultValue = "3", description = "Repeated runs; the summary gives median and "
            + "min..max (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", defaultValue = "0", description = "Runs made first and not counted, to warm a "
            + "JIT (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--label", defaultValue = "", description = "Prefix of the RESULT lines, e.g. mailroom.")
    String label;

    InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }

    ServerProcess process() {
        return serverPid == null ? null : new ServerProcess(serverPid);
    }

    String prefix(String load) {
        return label.isEmpty() ? load : label + "." + load;
    }

    /** Runs {@code trial} {@link #runs} times, printing each run, then the summary. */
    int repeat(String load, PrintStream out, Trial trial) throws Exception {
        for (int i = 1; i <= warmup; i++) {
            out.println("warm-up " + i + ": " + trial.run().line());
        }
        List<Figures> results = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            Figures f = trial.run();
            out.println("run " + i + ": " + f.line());
            out.flush();
            results.add(f);
        }
        Figures.summarize(prefix(load), results, out);
        return 0;
    }

    interface Trial {
        Figures run() throws Exception;
    }
}
