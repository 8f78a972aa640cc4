package org.mailroom.storage.sql;

import java.sql.SQLException;
import java.util.function.Consumer;
import org.mailroom.core.store.MailboxEvent;

/**
 * How a backend tells sessions about mailbox changes: in this process only ({@link MailboxListeners}), or also
 * on other nodes (PostgreSQL's {@code PgEvents}, with NOTIFY). Either way a change is told only once committed.
 */
public interface MailboxEvents {

    /** Called inside the changing transaction; listeners hear of it after the commit, never if it rolls back. */
    void publish(SqlTx tx, MailboxEvent event) throws SQLException;

    /** Listens to the changes of one account's mailboxes (account in lower case) until closed. */
    AutoCloseable subscribe(String account, Consumer<MailboxEvent> listener);
}
