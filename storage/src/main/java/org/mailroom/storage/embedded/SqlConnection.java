package org.mailroom.storage.embedded;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mailroom.storage.sql.Sql;

/**
 * One JDBC connection with its prepared statements kept for reuse (parsing SQL costs more than running
 * these small statements), and a few helpers so the stores read as SQL, not as JDBC plumbing.
 * Used by one thread at a time.
 */
final class SqlConnection implements Sql, AutoCloseable {

    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    SqlConnection(Connection connection) {
        this.connection = connection;
    }

    /**
     * Runs a statement without parameters (PRAGMA, BEGIN, SAVEPOINT...). Kept prepared like the others: BEGIN,
     * COMMIT and the savepoints run several times per delivery, and compiling them each time showed in profiles.
     */
    void execute(String sql) throws SQLException {
        PreparedStatement statement = bind(sql);
        // A PRAGMA may answer a row: closing the result resets the statement, so it holds no read lock.
        if (statement.execute()) statement.getResultSet().close();
    }

    @Override
    public int update(String sql, Object... args) throws SQLException {
        return bind(sql, args).executeUpdate();
    }

    /** Runs an INSERT and returns the new row's rowid. */
    long insert(String sql, Object... args) throws SQLException {
        update(sql, args);
        return queryLong("SELECT last_insert_rowid()").orElseThrow();
    }

    @Override
    public <T> List<T> query(String sql, Row<T> row, Object... args) throws SQLException {
        List<T> out = new ArrayList<>();
        try (ResultSet rs = bind(sql, args).executeQuery()) {
            while (rs.next()) out.add(row.map(rs));
        }
        return out;
    }

    @Override
    public <T> Optional<T> queryOne(String sql, Row<T> row, Object... args) throws SQLException {
        try (ResultSet rs = bind(sql, args).executeQuery()) {
            return rs.next() ? Optional.ofNullable(row.map(rs)) : Optional.empty();
        }
    }

    @Override
    public boolean exists(String sql, Object... args) throws SQLException {
        try (ResultSet rs = bind(sql, args).executeQuery()) {
            return rs.next();
        }
    }

    private PreparedStatement bind(String sql, Object... args) throws SQLException {
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            statements.put(sql, statement);
        } else {
            statement.clearParameters();
        }
        for (int i = 0; i < args.length; i++) statement.setObject(i + 1, args[i]);
        return statement;
    }

    @Override
    public void close() {
        try {
            for (PreparedStatement statement : statements.values()) statement.close();
            connection.close();
        } catch (SQLException e) {
            // closing: nothing left to save
        }
    }
}
