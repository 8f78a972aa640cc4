package org.mailroom.storage.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL database shared by the stores: Flyway migrations, then a HikariCP pool, and transactions
 * run as units of work.
 *
 * <h2>Transactions</h2>
 * Every write is one transaction at READ COMMITTED. Counters (UIDNEXT, HIGHESTMODSEQ, the UIDVALIDITY counter)
 * are bumped with {@code UPDATE ... RETURNING}, whose row lock orders concurrent writers across all nodes until
 * commit. A deadlock (40P01) or serialization failure (40001) is retried a few times: the work must therefore
 * do nothing outside the database before it commits (after-commit actions are for that).
 *
 * <h2>When the database is away</h2>
 * Borrowing a connection waits at most {@link #CONNECTION_TIMEOUT_MILLIS}; then the caller gets an IOException
 * (SMTP answers 451, never 250). The pool replaces broken connections by itself, so nothing needs restarting
 * when the database returns.
 */
final class PgDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PgDatabase.class);

    static final int CONNECTION_TIMEOUT_MILLIS = 5_000;
    private static final int RETRIES = 5;

    /** A unit of work inside one transaction. */
    interface Work<T> {
        T run(PgSql sql) throws SQLException, IOException;
    }

    private final String url;
    private final Properties credentials;
    private final HikariDataSource pool;

    private PgDatabase(String url, Properties credentials, HikariDataSource pool) {
        this.url = url;
        this.credentials = credentials;
        this.pool = pool;
    }

    /**
     * Migrates the schema, then opens the pool. Flyway takes a database-wide lock while it migrates, so nodes
     * starting together apply each migration once and the others wait for it.
     */
    static PgDatabase open(String url, String user, String password, int poolSize) throws IOException {
        Properties credentials = new Properties();
        if (user != null && !user.isEmpty()) credentials.setProperty("user", user);
        if (password != null && !password.isEmpty()) credentials.setProperty("password", password);
        try {
            Flyway.configure()
                    .dataSource(url, user == null || user.isEmpty() ? null : user,
                            password == null || password.isEmpty() ? null : password)
                    .locations("classpath:db/postgres")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            throw new IOException("cannot migrate the PostgreSQL schema at " + redact(url) + ": " + e.getMessage(), e);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setDataSourceProperties(credentials);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        config.setValidationTimeout(2_000);
        config.setAutoCommit(false);
        config.setPoolName("mailroom-pg");
        // A node must not fail to start because the database blinked: the migration above proved it is there.
        config.setInitializationFailTimeout(-1);
        try {
            return new PgDatabase(url, credentials, new HikariDataSource(config));
        } catch (RuntimeException e) {
            throw new IOException("cannot open PostgreSQL at " + redact(url) + ": " + e.getMessage(), e);
        }
    }

    /** Runs the work in one transaction and commits; retries on deadlock or serialization failure. */
    <T> T write(Work<T> work) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = pool.getConnection()) {
                PgSql sql = new PgSql(connection);
                T result;
                try {
                    result = work.run(sql);
                    connection.commit();
                } catch (SQLException | IOException | RuntimeException e) {
                    rollbackQuietly(connection);
                    throw e;
                }
                for (Runnable action : sql.afterCommitActions()) {
                    try {
                        action.run();
                    } catch (RuntimeException e) {
                        log.warn("After-commit action failed", e);
                    }
                }
                return result;
            } catch (SQLException e) {
                if (isRetryable(e) && attempt < RETRIES) {
                    log.debug("Retrying transaction after {}", e.getSQLState());
                    continue;
                }
                throw new IOException("database: " + e.getMessage(), e);
            }
        }
    }

    /** Runs a read in one transaction (one consistent snapshot is not needed: READ COMMITTED). */
    <T> T read(Work<T> work) throws IOException {
        return write(work);
    }

    /** A connection of its own, outside the pool, for LISTEN and for session-level advisory locks. */
    Connection dedicatedConnection() throws SQLException {
        Properties properties = new Properties();
        properties.putAll(credentials);
        properties.setProperty("connectTimeout", String.valueOf(CONNECTION_TIMEOUT_MILLIS / 1000));
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("ApplicationName", "mailroom-dedicated");
        return DriverManager.getConnection(url, properties);
    }

    private static boolean isRetryable(SQLException e) {
        String state = e.getSQLState();
        return "40P01".equals(state) || "40001".equals(state);
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // the connection is broken; the pool will drop it
        }
    }

    /** The URL without its query string, which may carry a password. */
    static String redact(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    @Override
    public void close() {
        pool.close();
    }
}
