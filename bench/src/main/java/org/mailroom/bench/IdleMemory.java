package org.mailroom.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench idle-memory}: opens N IMAP connections, logs each in and selects INBOX, leaves them idle,
 * and reports the server's proportional memory (Pss of its whole process tree, see {@link ServerProcess})
 * per connection: (Pss with N idle sessions - Pss before) / N. Needs {@code --server-pid}. Connections are
 * made by a few threads at once; the figure is read after a short settling pause.
 */
@Command(name = "idle-memory", mixinStandardHelpOptions = true,
        description = "Server memory per logged-in idle IMAP connection (Pss from /proc).")
final class IdleMemory implements Callable<Integer> {

    private final PrintStream out;

    IdleMemory(PrintStream out) {
        this.out = out;
    }

    @Mixin
    Target target;

    @Option(names = "--connections", defaultValue = "1000", description = "Idle connections (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--connect-threads", defaultValue = "10", description = "Threads that connect (default: ${DEFAULT-VALUE}).")
    int connectThreads;

    @Option(names = "--users", defaultValue = "10", description = "Connections rotate over this many users (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--user-format", defaultValue = "user%02d@bench.test",
            description = "Login names, numbered from 1 (default: ${DEFAULT-VALUE}).")
    String userFormat;

    @Option(names = "--password", defaultValue = "bench", description = "Password of every user (default: ${DEFAULT-VALUE}).")
    String password;

    @Option(names = "--settle-ms", defaultValue = "2000", description = "Pause before reading memory (default: ${DEFAULT-VALUE}).")
    int settleMillis;

    @Override
    public Integer call() throws Exception {
        ServerProcess server = target.process();
        if (server == null) throw new IllegalArgumentException("idle-memory needs --server-pid");
        out.printf("idle-memory: %s, %d logged-in idle IMAP connections%n", target.address(), connections);
        return target.repeat("idle_memory", out, () -> {
            long before = server.pssKib();
            List<ImapClient> open = Collections.synchronizedList(new ArrayList<>());
            try {
                Clients.run(connectThreads, connections, (client, work, latencies) -> {
                    for (int n = work.take(); n >= 0; n = work.take()) {
                        ImapClient imap = new ImapClient(target.address());
                        open.add(imap);
                        imap.login(String.format(userFormat, 1 + n % users), password);
                    }
                });
                Thread.sleep(settleMillis);
                long after = server.pssKib();
                return new Figures()
                        .add("kib_per_connection", "KiB", (after - before) / (double) connections)
                        .add("server_mib", "MiB", after / 1024.0)
                        .add("server_processes", "processes", server.processCount());
            } finally {
                for (ImapClient imap : open) imap.close();
            }
        });
    }
}
