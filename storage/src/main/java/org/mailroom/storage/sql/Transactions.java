package org.mailroom.storage.sql;

import java.io.IOException;
import java.sql.SQLException;

/** How a backend runs the shared store logic: reads, and writes that are durable when they return. */
public interface Transactions {

    /** A read, in one read transaction. */
    interface Query<T> {
        T run(Sql sql) throws SQLException, IOException;
    }

    /** A piece of write work, in one transaction (SQLite: one savepoint of a group-committed batch). */
    interface Work<T> {
        T run(SqlTx tx) throws SQLException, IOException;
    }

    <T> T read(Query<T> query) throws IOException;

    <T> T write(Work<T> work) throws IOException;

    /**
     * A write whose loss in a power cut is tolerable (flag changes, \Recent claims): SQLite commits it without
     * an fsync of its own; elsewhere the same as {@link #write}.
     */
    default <T> T writeUnsynced(Work<T> work) throws IOException {
        return write(work);
    }

    /**
     * A write to a cache that may be redone if lost (a parsed structure): SQLite queues it without waiting
     * for its commit; elsewhere the same as {@link #write}.
     */
    default void writeLater(Work<?> work) throws IOException {
        write(work);
    }
}
