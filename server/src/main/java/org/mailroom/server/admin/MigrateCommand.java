package org.mailroom.server.admin;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mailroom.storage.postgres.EmbeddedToPostgres;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mailroom migrate --from DATA_DIR --to jdbc:postgresql://...}: moves a one-machine store into PostgreSQL
 * for several nodes, keeping UIDs, UIDVALIDITY and flags so that mail clients do not resync. Stop the server
 * first; then point every node at the database ({@code store.backend = "postgresql"}). The data directory is
 * left as it was, so going back is possible until new mail arrives.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Copy an embedded store (data directory) into an empty PostgreSQL database.")
public final class MigrateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "DATA_DIR", description = "The embedded store's data directory.")
    Path from;

    @Option(names = "--to", required = true, paramLabel = "URL",
            description = "The PostgreSQL database: jdbc:postgresql://host[:port]/db (or postgresql://...).")
    String to;

    @Option(names = "--user", paramLabel = "USER", defaultValue = "", description = "Database user, unless in the URL.")
    String user;

    @Option(names = "--password-env", paramLabel = "VARIABLE",
            description = "Read the database password from this environment variable (not from the command line).")
    String passwordEnv;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String url = to.startsWith("jdbc:") ? to : "jdbc:" + to;
        String password = passwordEnv == null ? "" : System.getenv().getOrDefault(passwordEnv, "");
        try {
            EmbeddedToPostgres.Report report = EmbeddedToPostgres.copy(from, url, user, password);
            for (Map.Entry<String, Integer> table : report.rows().entrySet()) {
                out.printf("%-16s %d%n", table.getKey(), table.getValue());
            }
            out.printf("%-16s %d (%d octets)%n", "blobs", report.blobs(), report.blobBytes());
            out.println("migrated " + from + " to " + redact(url)
                    + "; now set store.backend = \"postgresql\" and store.url on every node");
            out.flush();
            return 0;
        } catch (IOException e) {
            return AdminRun.fail(err, e.getMessage());
        }
    }

    private static String redact(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }
}
