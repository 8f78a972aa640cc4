package org.mailroom.storage.sql;

import static org.mailroom.storage.StoreValues.account;
import static org.mailroom.storage.StoreValues.encodeFlags;
import static org.mailroom.storage.StoreValues.mailboxName;
import static org.mailroom.storage.sql.Rows.MAILBOX_COLUMNS;
import static org.mailroom.storage.sql.Rows.MESSAGE_COLUMNS;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.mailroom.core.store.MailStore.Appending;
import org.mailroom.core.store.MailStore.NewMessage;
import org.mailroom.core.store.MailStore.Placed;
import org.mailroom.core.store.MailStoreException;
import org.mailroom.core.store.Mailbox;
import org.mailroom.core.store.MessageRecord;

/**
 * How new messages get their UIDs and MODSEQ (delivery, APPEND, COPY and the target side of MOVE).
 *
 * <p>A mailbox's UIDNEXT only grows: it is a column, not {@code max(uid)+1}, so expunging the last message
 * does not give its UID away again. One write that adds {@code n} messages to a mailbox bumps its counters once,
 * with {@code UPDATE ... RETURNING}: the {@code n} UIDs from the old UIDNEXT, and one new MODSEQ (the old
 * HIGHESTMODSEQ plus one) that they all share (RFC 7162 section 3.1.1 allows it). On PostgreSQL the row lock
 * that update takes makes the next write to that mailbox, from any node, wait until this one commits or rolls
 * back, so UIDs are handed out in commit order, a rolled-back delivery gives its UIDs back, and a client never
 * sees UID 7 before UID 6 exists. Mailboxes are bumped in ascending id order, so two deliveries to the same pair
 * of mailboxes cannot deadlock. SQLite's one writer makes any order safe.
 */
final class UidAllocation {

    private static final String RESERVE = "UPDATE mailbox SET uidnext = uidnext + ?,"
            + " highestmodseq = highestmodseq + 1, messages = messages + ?, size = size + ? WHERE id = ?"
            + " RETURNING " + MAILBOX_COLUMNS;
    private static final String INSERT = "INSERT INTO message (" + MESSAGE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)";

    private final MailboxRows mailboxes;

    UidAllocation(MailboxRows mailboxes) {
        this.mailboxes = mailboxes;
    }

    /** Copies made by one write: their UIDs, in the sources' order, and the MODSEQ they share. */
    record Copies(List<Long> uids, long modSeq) {
    }

    /** Reserves {@code n} UIDs for {@code n} messages of {@code bytes} octets; returns the mailbox after. */
    private static Mailbox reserve(SqlTx tx, long mailboxId, int n, long bytes) throws SQLException {
        return tx.queryOne(RESERVE, Rows::mailbox, n, n, bytes, mailboxId).orElseThrow();
    }

    /** The first of the UIDs {@link #reserve} handed out. */
    private static long firstUid(Mailbox after, int n) {
        return after.uidNext() - n;
    }

    private static void insert(SqlTx tx, long mailboxId, long uid, String blobId, long size, Instant internalDate,
                               Set<String> flags, long modSeq) throws SQLException {
        tx.update(INSERT, mailboxId, uid, blobId, size, internalDate.toEpochMilli(), encodeFlags(flags), modSeq);
    }

    /**
     * Places the messages, each target's mailbox created if missing. Fills {@code appended} with the UIDs added
     * to each mailbox and {@code touched} with each mailbox after, for the events.
     */
    List<Placed> append(SqlTx tx, List<Appending> messages, Map<Long, List<Long>> appended,
                        Map<Long, Mailbox> touched) throws SQLException, MailStoreException {
        // 1. Every target's mailbox. Checked in here, so a bad target undoes the others.
        List<Long> mailboxOf = new ArrayList<>(messages.size());
        Map<Long, Integer> copies = new TreeMap<>(); // ascending id: the lock order
        Map<Long, Long> bytes = new HashMap<>();
        for (Appending a : messages) {
            long id = mailboxes.ensure(tx, account(a.target().account()), mailboxName(a.target().mailbox()));
            mailboxOf.add(id);
            copies.merge(id, 1, Integer::sum);
            bytes.merge(id, a.message().size(), Long::sum);
        }
        // 2. The UIDs and the new MODSEQ of each mailbox (on PostgreSQL the row stays locked until commit).
        Map<Long, Long> nextUid = new HashMap<>();
        for (Map.Entry<Long, Integer> e : copies.entrySet()) {
            Mailbox after = reserve(tx, e.getKey(), e.getValue(), bytes.get(e.getKey()));
            nextUid.put(e.getKey(), firstUid(after, e.getValue()));
            touched.put(e.getKey(), after);
        }
        // 3. One row per copy; the copies of one delivery all name the one blob.
        List<Placed> placed = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            NewMessage message = messages.get(i).message();
            long mailboxId = mailboxOf.get(i);
            long uid = nextUid.merge(mailboxId, 1L, Long::sum) - 1;
            Mailbox mailbox = touched.get(mailboxId);
            insert(tx, mailboxId, uid, message.blobId(), message.size(), message.internalDate(),
                    messages.get(i).target().flags(), mailbox.highestModSeq());
            placed.add(new Placed(mailbox.account(), mailboxId, uid));
            appended.computeIfAbsent(mailboxId, id -> new ArrayList<>()).add(uid);
        }
        return placed;
    }

    /** Copies of the source messages (at least one) at the end of the target mailbox. */
    static Copies copy(SqlTx tx, List<MessageRecord> sources, long toMailboxId) throws SQLException {
        long size = 0;
        for (MessageRecord m : sources) size += m.size();
        Mailbox after = reserve(tx, toMailboxId, sources.size(), size);
        long uid = firstUid(after, sources.size());
        List<Long> targets = new ArrayList<>(sources.size());
        for (MessageRecord m : sources) {
            insert(tx, toMailboxId, uid, m.blobId(), m.size(), m.internalDate(), m.flags(), after.highestModSeq());
            targets.add(uid++);
        }
        return new Copies(targets, after.highestModSeq());
    }

}
