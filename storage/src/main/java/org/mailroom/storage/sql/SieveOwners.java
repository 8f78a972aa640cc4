package org.mailroom.storage.sql;

import java.sql.SQLException;

/** The Sieve rows of an owner, removed with its account or domain (same transaction, both backends). */
public final class SieveOwners {

    private SieveOwners() {
    }

    /** Removes the owner's scripts, its version row and its vacation/duplicate marks. */
    public static void remove(Sql sql, String owner) throws SQLException {
        sql.update("DELETE FROM sieve_script WHERE owner = ?", owner);
        sql.update("DELETE FROM sieve_version WHERE owner = ?", owner);
        sql.update("DELETE FROM sieve_seen WHERE owner = ?", owner);
    }
}
