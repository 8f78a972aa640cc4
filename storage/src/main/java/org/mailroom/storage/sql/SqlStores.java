package org.mailroom.storage.sql;

import org.mailroom.core.store.BlobStore;
import org.mailroom.storage.Storage;

/** The SQL stores of one backend, over its blobs, transactions, dialect, events and POP3 locks. */
public final class SqlStores {

    private SqlStores() {
    }

    public static Storage.Stores of(BlobStore blobs, Transactions db, Dialect dialect, MailboxEvents events,
                                    MaildropLocks maildropLocks, int expungedKept) {
        return new Storage.Stores(blobs, new SqlMailStore(db, dialect, blobs, events, maildropLocks, expungedKept),
                new SqlDirectory(db, dialect), new SqlMailQueue(db, dialect), new SqlSieveScripts(db, dialect));
    }
}
