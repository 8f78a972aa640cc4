package org.mailroom.storage.postgres;

import java.io.IOException;
import org.mailroom.storage.sql.Transactions;

/** The shared stores' transactions on the {@link PgDatabase}: one pooled connection and transaction each. */
final class PgTransactions implements Transactions {

    private final PgDatabase db;

    PgTransactions(PgDatabase db) {
        this.db = db;
    }

    @Override
    public <T> T read(Query<T> query) throws IOException {
        return db.read(query::run);
    }

    @Override
    public <T> T write(Work<T> work) throws IOException {
        return db.write(work::run);
    }
}
