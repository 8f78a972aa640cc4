package org.mailroom.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench imap}: N clients, each on its own user's INBOX, send a random mix of commands (seeded):
 * FETCH 1:* (FLAGS UID RFC822.SIZE ENVELOPE), FETCH n BODY.PEEK[], STORE n +FLAGS/-FLAGS (\Flagged),
 * SEARCH FLAGGED and NOOP; {@code search-header} (not in the default mix) is SEARCH SUBJECT of one corpus
 * message, which needs every message's Subject. With {@code --short-sessions} every session is LOGIN, SELECT, 17 commands of the
 * mix and LOGOUT (a LOGIN every 20 commands, like clients that poll); otherwise each client logs in once.
 * An op is any tagged command with its responses, LOGIN, SELECT and LOGOUT included.
 */
@Command(name = "imap", mixinStandardHelpOptions = true, description = "IMAP mixed workload: ops per second, p50/p99.")
final class ImapLoad implements Callable<Integer> {

    /** Commands per short session, LOGIN and LOGOUT included. */
    static final int SHORT_SESSION_COMMANDS = 20;

    private final PrintStream out;

    ImapLoad(PrintStream out) {
        this.out = out;
    }

    @Mixin
    Target target;

    @Option(names = "--clients", defaultValue = "10", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--ops", defaultValue = "5000", description = "Commands per run (default: ${DEFAULT-VALUE}).")
    int ops;

    @Option(names = "--short-sessions", description = "LOGIN every 20 commands instead of persistent sessions.")
    boolean shortSessions;

    @Option(names = "--mix", defaultValue = "fetch-all:1,fetch-body:3,store:2,search:1,noop:3",
            description = "Weights of the commands (default: ${DEFAULT-VALUE}); also search-header:N.")
    String mix;

    @Option(names = "--user-format", defaultValue = "user%02d@bench.test",
            description = "Login names, numbered from 1; client i uses user i (default: ${DEFAULT-VALUE}).")
    String userFormat;

    @Option(names = "--password", defaultValue = "bench", description = "Password of every user (default: ${DEFAULT-VALUE}).")
    String password;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the command choices (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        String[] names = {"fetch-all", "fetch-body", "store", "search", "noop", "search-header"};
        int[] weights = new int[names.length];
        for (String part : mix.split(",")) {
            String[] kv = part.trim().split(":");
            int i = java.util.Arrays.asList(names).indexOf(kv[0]);
            if (i < 0 || kv.length != 2) throw new IllegalArgumentException("--mix: unknown entry " + part);
            weights[i] = Integer.parseInt(kv[1]);
        }
        int totalWeight = java.util.Arrays.stream(weights).sum();
        out.printf("imap: %s, %d clients, %d ops, %s sessions, mix %s%n", target.address(), clients, ops,
                shortSessions ? "short (LOGIN every 20 commands)" : "persistent", mix);
        ServerProcess server = target.process();
        return target.repeat(shortSessions ? "imap_short" : "imap", out, () -> {
            double cpuBefore = server == null ? 0 : server.cpuSeconds();
            Clients.Outcome o = Clients.run(clients, ops, (client, work, latencies) -> {
                SplittableRandom random = new SplittableRandom(seed * 31 + client);
                String user = String.format(userFormat, client + 1);
                ImapClient imap = null;
                int inSession = 0;
                try {
                    for (int n = work.take(); n >= 0; n = work.take()) {
                        long t0 = System.nanoTime();
                        if (imap == null) {
                            imap = new ImapClient(target.address());
                            imap.command("LOGIN \"" + user + "\" \"" + password + "\"");
                            inSession = 1;
                        } else if (inSession == 1) {
                            imap.command("SELECT INBOX");
                            inSession++;
                        } else if (shortSessions && inSession == SHORT_SESSION_COMMANDS - 1) {
                            imap.command("LOGOUT");
                            imap.close();
                            imap = null;
                        } else {
                            imap.command(pick(random, weights, totalWeight, imap.exists));
                            inSession++;
                        }
                        latencies.add(System.nanoTime() - t0);
                    }
                } finally {
                    if (imap != null) imap.logout();
                }
            });
            Figures f = new Figures();
            f.add("ops_per_s", "ops/s", ops / o.seconds());
            f.add("latency_p50", "ms", o.latencies().percentileMillis(50));
            f.add("latency_p99", "ms", o.latencies().percentileMillis(99));
            if (server != null) f.add("cpu_per_op", "ms", (server.cpuSeconds() - cpuBefore) * 1000 / ops);
            return f;
        });
    }

    private static String pick(SplittableRandom random, int[] weights, int total, int exists) throws IOException {
        if (exists == 0) throw new IOException("the INBOX is empty: send the users some messages first");
        int r = random.nextInt(total);
        int i = 0;
        while (r >= weights[i]) r -= weights[i++];
        int n = 1 + random.nextInt(exists);
        switch (i) {
            case 0: return "FETCH 1:* (FLAGS UID RFC822.SIZE ENVELOPE)";
            case 1: return "FETCH " + n + " BODY.PEEK[]";
            case 2: return "STORE " + n + (random.nextBoolean() ? " +" : " -") + "FLAGS (\\Flagged)";
            case 3: return "SEARCH FLAGGED";
            case 5: return "SEARCH SUBJECT \"message " + n + " seed\"";
            case 4: return "NOOP";
            default: throw new IllegalStateException("no command " + i);
        }
    }
}
