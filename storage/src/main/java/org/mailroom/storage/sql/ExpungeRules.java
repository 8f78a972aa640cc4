package org.mailroom.storage.sql;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.mailroom.core.store.MailStore.Vanished;
import org.mailroom.core.store.MessageRecord;

/**
 * What removing messages from a mailbox does (EXPUNGE, and the source side of MOVE), and the expunge records
 * QRESYNC reads (RFC 7162 section 3.2.10).
 *
 * <p>Each removed UID is remembered with the MODSEQ of its removal. Only the newest {@code expungedKept} records
 * of a mailbox are kept: older ones are pruned in the removing transaction (which, on PostgreSQL, holds the
 * mailbox row's lock), and the mailbox's {@code expunged_floor} rises to the highest MODSEQ pruned, so that a
 * client resynchronizing from before it is told every UID it may know that is gone (section 3.2.5.2).
 */
final class ExpungeRules {

    private final Dialect dialect;
    private final int expungedKept;
    private final String raiseFloor;

    ExpungeRules(Dialect dialect, int expungedKept) {
        if (expungedKept < 1) throw new IllegalArgumentException("expungedKept must be at least 1");
        this.dialect = dialect;
        this.expungedKept = expungedKept;
        this.raiseFloor = "UPDATE mailbox SET expunged_floor = " + dialect.greatest("expunged_floor", "?")
                + " WHERE id = ?";
    }

    /**
     * Removes the messages of these UIDs (the mailbox row locked by the caller), remembers them as expunged at
     * {@code modSeq} and updates the mailbox's counters. With {@code releaseBlobs} (not for a move, whose copies
     * still name them) their blobs go once nothing names them. Returns what was removed, by UID; when nothing
     * was, nothing changed.
     */
    List<MessageRecord> remove(SqlTx tx, long mailboxId, Collection<Long> uids, long modSeq, boolean releaseBlobs)
            throws SQLException {
        List<MessageRecord> removed = dialect.deleteMessages(tx, mailboxId, uids);
        if (removed.isEmpty()) return removed;
        long size = 0;
        List<Long> removedUids = new ArrayList<>(removed.size());
        Set<String> blobs = new LinkedHashSet<>();
        for (MessageRecord m : removed) {
            removedUids.add(m.uid());
            size += m.size();
            blobs.add(m.blobId());
        }
        dialect.rememberExpunged(tx, mailboxId, removedUids, modSeq);
        tx.update("UPDATE mailbox SET highestmodseq = ?, messages = messages - ?, size = size - ? WHERE id = ?",
                modSeq, removed.size(), size, mailboxId);
        if (releaseBlobs) for (String blobId : blobs) tx.releaseBlob(blobId);
        prune(tx, mailboxId);
        return removed;
    }

    /** Keeps the newest records; finding the cut walks at most that many index entries. */
    private void prune(SqlTx tx, long mailboxId) throws SQLException {
        Optional<Long> cut = tx.queryLong("SELECT modseq FROM expunged WHERE mailbox_id = ? ORDER BY modseq DESC"
                + " LIMIT 1 OFFSET ?", mailboxId, expungedKept);
        if (cut.isEmpty()) return;
        tx.update("DELETE FROM expunged WHERE mailbox_id = ? AND modseq <= ?", mailboxId, cut.get());
        tx.update(raiseFloor, cut.get(), mailboxId);
    }

    static List<Long> expungedSince(Sql sql, long mailboxId, long modSeq) throws SQLException {
        return sql.query("SELECT uid FROM expunged WHERE mailbox_id = ? AND modseq > ? ORDER BY uid",
                rs -> rs.getLong(1), mailboxId, modSeq);
    }

    /**
     * The records, then the floor. In one read transaction (SQLite) a prune between cannot make the answer look
     * complete; under READ COMMITTED (PostgreSQL) each statement sees its own moment, and in this order a prune
     * committed between them can only make the answer look less complete than it is, never more.
     */
    static Vanished vanishedSince(Sql sql, long mailboxId, long modSeq) throws SQLException {
        List<Long> uids = expungedSince(sql, mailboxId, modSeq);
        long floor = sql.queryLong("SELECT expunged_floor FROM mailbox WHERE id = ?", mailboxId).orElse(0L);
        return new Vanished(floor, uids);
    }
}
