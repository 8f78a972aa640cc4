package org.mailroom.storage.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mailroom.storage.sql.SqlTx;

/**
 * One borrowed connection inside one transaction, with a few helpers so the stores read as SQL rather than
 * JDBC plumbing. Statements are not cached here: pgjdbc prepares a statement on the server by itself once it
 * has been run a few times on a connection.
 */
final class PgSql implements SqlTx {

    private final Connection connection;
    private final List<Runnable> afterCommit = new ArrayList<>();

    PgSql(Connection connection) {
        this.connection = connection;
    }

    Connection connection() {
        return connection;
    }

    @Override
    public void afterCommit(Runnable action) {
        afterCommit.add(action);
    }

    List<Runnable> afterCommitActions() {
        return afterCommit;
    }

    /** Nothing to do: a blob is in the database before anything can name it. */
    @Override
    public void nameBlob(String blobId) {
    }

    /** In the same transaction: the last row naming the blob and the blob go together. */
    @Override
    public void releaseBlob(String blobId) throws SQLException {
        PgBlobStore.deleteIfUnreferenced(this, blobId);
    }

    @Override
    public int update(String sql, Object... args) throws SQLException {
        try (PreparedStatement statement = bind(sql, args)) {
            return statement.executeUpdate();
        }
    }

    @Override
    public <T> List<T> query(String sql, Row<T> row, Object... args) throws SQLException {
        List<T> out = new ArrayList<>();
        try (PreparedStatement statement = bind(sql, args); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) out.add(row.map(rs));
        }
        return out;
    }

    @Override
    public <T> Optional<T> queryOne(String sql, Row<T> row, Object... args) throws SQLException {
        try (PreparedStatement statement = bind(sql, args); ResultSet rs = statement.executeQuery()) {
            return rs.next() ? Optional.ofNullable(row.map(rs)) : Optional.empty();
        }
    }

    @Override
    public boolean exists(String sql, Object... args) throws SQLException {
        try (PreparedStatement statement = bind(sql, args); ResultSet rs = statement.executeQuery()) {
            return rs.next();
        }
    }

    /** A {@code bigint[]} parameter, for {@code uid = ANY(?)}. */
    java.sql.Array longs(java.util.Collection<Long> values) throws SQLException {
        return connection.createArrayOf("bigint", values.toArray(new Long[0]));
    }

    /** A {@code text[]} parameter. */
    java.sql.Array texts(java.util.Collection<String> values) throws SQLException {
        return connection.createArrayOf("text", values.toArray(new String[0]));
    }

    private PreparedStatement bind(String sql, Object... args) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < args.length; i++) statement.setObject(i + 1, args[i]);
        } catch (SQLException e) {
            statement.close();
            throw e;
        }
        return statement;
    }
}
