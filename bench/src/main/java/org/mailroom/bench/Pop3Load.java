package org.mailroom.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench pop3}: N clients run whole POP3 sessions back to back: greeting, USER, PASS, STAT, LIST,
 * RETR of a few messages chosen at random, QUIT (RFC 1939). Client {@code i} logs in as user {@code i}
 * of {@code --user-format}, since a POP3 maildrop is locked by its session (section 8): the users must
 * each hold a few messages (bench/compare sends them first). An op is one command with its reply;
 * latency is per command.
 */
@Command(name = "pop3", mixinStandardHelpOptions = true, description = "POP3 sessions: sessions and commands per second.")
final class Pop3Load implements Callable<Integer> {

    private final PrintStream out;

    Pop3Load(PrintStream out) {
        this.out = out;
    }

    @Mixin
    Target target;

    @Option(names = "--clients", defaultValue = "10", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--sessions", defaultValue = "500", description = "Sessions per run (default: ${DEFAULT-VALUE}).")
    int sessions;

    @Option(names = "--retr", defaultValue = "3", description = "Messages retrieved per session (default: ${DEFAULT-VALUE}).")
    int retr;

    @Option(names = "--user-format", defaultValue = "user%02d@bench.test",
            description = "Login names, numbered from 1 (default: ${DEFAULT-VALUE}).")
    String userFormat;

    @Option(names = "--password", defaultValue = "bench", description = "Password of every user (default: ${DEFAULT-VALUE}).")
    String password;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the RETR choices (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        out.printf("pop3: %s, %d clients, %d sessions (USER, PASS, STAT, LIST, %d x RETR, QUIT)%n",
                target.address(), clients, sessions, retr);
        ServerProcess server = target.process();
        return target.repeat("pop3", out, () -> {
            double cpuBefore = server == null ? 0 : server.cpuSeconds();
            Clients.Outcome o = Clients.run(clients, sessions, (client, work, latencies) -> {
                SplittableRandom random = new SplittableRandom(seed * 31 + client);
                for (int n = work.take(); n >= 0; n = work.take()) session(client, random, latencies);
            });
            Figures f = new Figures();
            f.add("sessions_per_s", "sessions/s", sessions / o.seconds());
            f.add("ops_per_s", "ops/s", o.latencies().count() / o.seconds());
            f.add("latency_p50", "ms", o.latencies().percentileMillis(50));
            f.add("latency_p99", "ms", o.latencies().percentileMillis(99));
            if (server != null) f.add("cpu_per_session", "ms", (server.cpuSeconds() - cpuBefore) * 1000 / sessions);
            return f;
        });
    }

    private void session(int client, SplittableRandom random, Latencies latencies) throws IOException {
        try (LineConnection c = new LineConnection(target.address())) {
            ok(c, "greeting");
            command(c, "USER " + String.format(userFormat, client + 1), false, latencies);
            command(c, "PASS " + password, false, latencies);
            String stat = command(c, "STAT", false, latencies);
            int count = Integer.parseInt(stat.split(" ")[1]);
            command(c, "LIST", true, latencies);
            for (int i = 0; i < retr && count > 0; i++) {
                command(c, "RETR " + (1 + random.nextInt(count)), true, latencies);
            }
            command(c, "QUIT", false, latencies);
        }
    }

    private static String command(LineConnection c, String command, boolean multiLine, Latencies latencies)
            throws IOException {
        long t0 = System.nanoTime();
        c.write(command);
        c.flush();
        String status = ok(c, command.startsWith("PASS") ? "PASS" : command);
        if (multiLine) {
            // Read to the terminating "." line; a dot-stuffed line ("..x") is never a lone ".".
            while (!c.readLine().equals(".")) {
                // message or listing lines: read and dropped
            }
        }
        latencies.add(System.nanoTime() - t0);
        return status;
    }

    private static String ok(LineConnection c, String what) throws IOException {
        String line = c.readLine();
        if (!line.startsWith("+OK")) throw new IOException(what + ": " + line);
        return line;
    }
}
