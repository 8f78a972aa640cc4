package org.mailroom.storage.sql;

import static org.mailroom.storage.StoreValues.decodeFlags;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.mailroom.core.mail.Dsn;
import org.mailroom.core.store.MailQueue.Entry;
import org.mailroom.core.store.Mailbox;
import org.mailroom.core.store.MessageRecord;

/** The columns the stores read, the same in both schemas, and how a row becomes a value. */
public final class Rows {

    public static final String MAILBOX_COLUMNS = "id, account, name, uidvalidity, uidnext, highestmodseq, messages, size";
    public static final String MESSAGE_COLUMNS = "mailbox_id, uid, blob_id, size, internal_date, flags, modseq";
    /** A queue entry's own columns; recipients and history are rows of their own. */
    public static final String ENTRY_COLUMNS =
            "id, blob_id, sender, created, next_attempt, attempts, last_error, envid, ret, warned";

    private Rows() {
    }

    public static Mailbox mailbox(ResultSet rs) throws SQLException {
        return new Mailbox(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                rs.getLong(6), rs.getInt(7), rs.getLong(8));
    }

    public static MessageRecord message(ResultSet rs) throws SQLException {
        return new MessageRecord(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getLong(4),
                Instant.ofEpochMilli(rs.getLong(5)), decodeFlags(rs.getString(6)), rs.getLong(7));
    }

    /** An entry without its recipients and history. {@code warned} is 0/1 in SQLite, a boolean in PostgreSQL. */
    public static Entry entry(ResultSet rs) throws SQLException {
        String ret = rs.getString(9);
        Dsn dsn = new Dsn(rs.getString(8), ret == null ? null : Dsn.Ret.valueOf(ret), Map.of());
        return new Entry(rs.getString(1), rs.getString(2), rs.getString(3), List.of(),
                Instant.ofEpochMilli(rs.getLong(4)), Instant.ofEpochMilli(rs.getLong(5)), rs.getInt(6),
                rs.getString(7), dsn, rs.getBoolean(10), List.of());
    }
}
