package org.mailroom.storage.embedded;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.mailroom.storage.sql.SqlTx;
import org.mailroom.storage.sql.Transactions;

/** The shared stores' transactions on the {@link SqliteDatabase}: writes are group-committed by its one writer. */
final class SqliteTransactions implements Transactions {

    private final SqliteDatabase db;
    private final EmbeddedBlobStore blobs;

    SqliteTransactions(SqliteDatabase db, EmbeddedBlobStore blobs) {
        this.db = db;
        this.blobs = blobs;
    }

    @Override
    public <T> T read(Query<T> query) throws IOException {
        return db.read(query::run);
    }

    @Override
    public <T> T write(Work<T> work) throws IOException {
        return db.write(tx -> work.run(new Tx(tx)));
    }

    @Override
    public <T> T writeUnsynced(Work<T> work) throws IOException {
        return db.writeUnsynced(tx -> work.run(new Tx(tx)));
    }

    @Override
    public void writeLater(Work<?> work) {
        db.writeLater(tx -> work.run(new Tx(tx)));
    }

    /** One piece of work in the writer's batch. */
    private final class Tx implements SqlTx {
        private final SqliteDatabase.WriteTx tx;

        Tx(SqliteDatabase.WriteTx tx) {
            this.tx = tx;
        }

        @Override
        public int update(String sql, Object... args) throws SQLException {
            return tx.sql().update(sql, args);
        }

        @Override
        public <T> List<T> query(String sql, Row<T> row, Object... args) throws SQLException {
            return tx.sql().query(sql, row, args);
        }

        @Override
        public <T> Optional<T> queryOne(String sql, Row<T> row, Object... args) throws SQLException {
            return tx.sql().queryOne(sql, row, args);
        }

        @Override
        public boolean exists(String sql, Object... args) throws SQLException {
            return tx.sql().exists(sql, args);
        }

        @Override
        public void afterCommit(Runnable action) {
            tx.afterCommit(action);
        }

        /** A small blob's row is written in this transaction, with the first row that names it. */
        @Override
        public void nameBlob(String blobId) throws IOException {
            blobs.storeWith(tx, blobId);
        }

        /** Deleted at the end of the batch if nothing names it then (later work may still name it). */
        @Override
        public void releaseBlob(String blobId) {
            tx.releaseBlob(blobId);
        }
    }
}
