package org.mailroom.storage.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL for tests, and a fresh database per test class:
 * <pre>{@code @RegisterExtension static final TestPostgres postgres = new TestPostgres();   // then postgres.url()}</pre>
 *
 * <p>Where the server comes from, in order:
 * <ol>
 *   <li>{@code MAILROOM_TEST_POSTGRES_URL} (a JDBC URL of a database we may create databases from), as
 *       {@code .ci/run} and {@code storage/src/test/postgres/start-test-db.sh} provide it;</li>
 *   <li>otherwise, when the environment variable {@code CI} is set: the test fails (never skips);</li>
 *   <li>otherwise, unless we are root: io.zonky's embedded PostgreSQL, started once per JVM;</li>
 *   <li>as root (where initdb refuses to run): a throwaway cluster from {@code start-test-db.sh}, as the
 *       {@code postgres} user, for this JVM; if PostgreSQL is not installed, the test fails and says what to do.</li>
 * </ol>
 * Every table except the UIDVALIDITY counter is emptied before each test, so each test starts as on a new store.
 */
public final class TestPostgres implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

    public static final String URL_VARIABLE = "MAILROOM_TEST_POSTGRES_URL";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static String serverUrl; // guarded by TestPostgres.class
    private static EmbeddedPostgres embedded; // guarded by TestPostgres.class

    private String name;
    private String url;

    /** The JDBC URL of this test class's database. */
    public String url() {
        if (url == null) throw new IllegalStateException("the database is made before all tests of the class");
        return url;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        String server = serverUrl();
        name = "mailroom_t_" + HexFormat.of().formatHex(randomBytes());
        execute(server, "CREATE DATABASE " + name);
        url = withDatabase(server, name);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        truncate();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (name != null) execute(serverUrl(), "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    /** Empties every table but Flyway's history and the counters that must never go back. */
    public void truncate() throws SQLException {
        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                    + " AND tablename NOT IN ('flyway_schema_history', 'meta')")) {
                while (rs.next()) tables.add(rs.getString(1));
            }
            if (!tables.isEmpty()) s.execute("TRUNCATE " + String.join(", ", tables) + " RESTART IDENTITY CASCADE");
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** The URL of the server's database we create test databases from. */
    public static synchronized String serverUrl() {
        if (serverUrl != null) return serverUrl;
        String given = System.getenv(URL_VARIABLE);
        if (given != null && !given.isBlank()) {
            serverUrl = given.trim();
            return serverUrl;
        }
        if (System.getenv("CI") != null) {
            throw new AssertionError(URL_VARIABLE + " is not set, but CI is: the PostgreSQL tests need a server."
                    + " .ci/run starts one with storage/src/test/postgres/start-test-db.sh and exports its URL.");
        }
        if ("root".equals(System.getProperty("user.name"))) {
            serverUrl = startThrowawayCluster();
            return serverUrl;
        }
        try {
            embedded = EmbeddedPostgres.builder().start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                embedded.close();
            } catch (IOException e) {
                // the JVM is exiting
            }
        }));
        serverUrl = embedded.getJdbcUrl("postgres", "postgres");
        return serverUrl;
    }

    /**
     * As root, where embedded PostgreSQL cannot run (initdb refuses root), start the same throwaway cluster that
     * .ci/run starts, with the project's script, for this JVM only; so {@code mvn -B verify} works as root too
     * when Debian's postgresql is installed.
     */
    private static String startThrowawayCluster() {
        Path script = findScript();
        String howTo = " Install PostgreSQL (apt-get install postgresql), or start a server and set " + URL_VARIABLE
                + "=jdbc:postgresql://HOST:PORT/DB?user=USER.";
        if (script == null) throw new AssertionError("cannot find storage/src/test/postgres/start-test-db.sh." + howTo);
        try {
            Process p = new ProcessBuilder("bash", script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("start-test-db.sh failed: " + out + howTo);
            }
            String url = exported(out, URL_VARIABLE);
            String dir = exported(out, "MAILROOM_TEST_POSTGRES_DIR");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    new ProcessBuilder("bash", script.toString(), "stop", dir).start().waitFor(60, TimeUnit.SECONDS);
                } catch (IOException | InterruptedException e) {
                    // the JVM is exiting; the cluster's directory is under /tmp
                }
            }));
            return url;
        } catch (IOException e) {
            throw new AssertionError("cannot run start-test-db.sh: " + e + "." + howTo, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while starting PostgreSQL", e);
        }
    }

    private static Path findScript() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("storage/src/test/postgres/start-test-db.sh");
            if (Files.isRegularFile(candidate)) return candidate;
        }
        return null;
    }

    /** The value of {@code export NAME='value'} in the script's output. */
    private static String exported(String out, String name) {
        for (String line : out.split("\n")) {
            String prefix = "export " + name + "='";
            if (line.startsWith(prefix) && line.endsWith("'")) return line.substring(prefix.length(), line.length() - 1);
        }
        throw new AssertionError("start-test-db.sh did not print " + name + ": " + out);
    }

    /** The same URL naming another database: {@code jdbc:postgresql://h:p/old?x} to {@code jdbc:postgresql://h:p/new?x}. */
    public static String withDatabase(String url, String database) {
        String prefix = "jdbc:postgresql://";
        if (!url.startsWith(prefix)) throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + url);
        int slash = url.indexOf('/', prefix.length());
        int query = url.indexOf('?', prefix.length());
        String hostPort = url.substring(prefix.length(), slash >= 0 ? slash : query >= 0 ? query : url.length());
        String params = query >= 0 ? url.substring(query) : "";
        return prefix + hostPort + "/" + database + params;
    }

    private static void execute(String url, String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
