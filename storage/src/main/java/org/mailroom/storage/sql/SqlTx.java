package org.mailroom.storage.sql;

import java.io.IOException;
import java.sql.SQLException;

/**
 * A write transaction as the shared store logic sees it: the SQL, plus the two things each backend does its own
 * way around a commit (SQLite: on its one writer thread, per batch; PostgreSQL: per transaction).
 */
public interface SqlTx extends Sql {

    /** Runs the action once this work has committed (never if it rolls back). */
    void afterCommit(Runnable action);

    /** A row naming this blob is about to be written: its bytes must commit with it (SQLite's small blobs). */
    void nameBlob(String blobId) throws IOException;

    /** A row naming this blob was removed: the blob goes when no message or queue row names it any more. */
    void releaseBlob(String blobId) throws SQLException;
}
