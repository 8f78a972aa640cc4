package org.mailroom.storage.sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * One connection inside one transaction, as the shared store logic sees it: a few helpers so the stores read as
 * SQL, not as JDBC plumbing. SQLite's ({@code SqlConnection}) keeps its statements prepared; PostgreSQL's
 * ({@code PgSql}) leaves that to the driver.
 */
public interface Sql {

    /** Reads one row. */
    interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Runs an INSERT, UPDATE or DELETE; returns the number of rows changed. */
    int update(String sql, Object... args) throws SQLException;

    <T> List<T> query(String sql, Row<T> row, Object... args) throws SQLException;

    <T> Optional<T> queryOne(String sql, Row<T> row, Object... args) throws SQLException;

    boolean exists(String sql, Object... args) throws SQLException;

    /** The first column of the first row, empty when there is no row or it is NULL. */
    default Optional<Long> queryLong(String sql, Object... args) throws SQLException {
        return queryOne(sql, rs -> {
            long value = rs.getLong(1);
            return rs.wasNull() ? null : value;
        }, args);
    }
}
