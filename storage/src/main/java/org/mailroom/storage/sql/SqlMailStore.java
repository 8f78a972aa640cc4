package org.mailroom.storage.sql;

import static org.mailroom.storage.StoreValues.account;
import static org.mailroom.storage.StoreValues.applyFlags;
import static org.mailroom.storage.StoreValues.mailboxName;
import static org.mailroom.storage.sql.Rows.MAILBOX_COLUMNS;
import static org.mailroom.storage.sql.Rows.MESSAGE_COLUMNS;

import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.mailroom.core.mime.MessageStructure;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.MailStoreException;
import org.mailroom.core.store.Mailbox;
import org.mailroom.core.store.MailboxEvent;
import org.mailroom.core.store.MessageRecord;

/**
 * Mailboxes and messages, the same rules on both backends: SQLite (every change one piece of work on its one
 * writer, group-committed) and PostgreSQL (one transaction each, shared by every node). The blob is shared by
 * every copy, never copied. The rules that number things live in {@link UidAllocation} (UID, MODSEQ) and
 * {@link ExpungeRules} (expunge records for QRESYNC); UIDVALIDITY is {@link Dialect#nextUidValidity}; MIME
 * structures are {@link StructureCache}'s.
 *
 * <p>Every change takes the mailbox's HIGHESTMODSEQ plus one as its MODSEQ (RFC 7162 section 3.1.1: several
 * messages changed by one command may share it), under the mailbox row's lock (see {@link MailboxRows}).
 */
public final class SqlMailStore implements MailStore {

    private final Transactions db;
    private final Dialect dialect;
    private final MailboxEvents events;
    private final MaildropLocks maildropLocks;
    private final MailboxRows mailboxes;
    private final UidAllocation uids;
    private final ExpungeRules expunges;
    private final StructureCache structures;
    private final String recentLocked;

    public SqlMailStore(Transactions db, Dialect dialect, BlobStore blobs, MailboxEvents events,
                        MaildropLocks maildropLocks, int expungedKept) {
        this.db = db;
        this.dialect = dialect;
        this.events = events;
        this.maildropLocks = maildropLocks;
        this.mailboxes = new MailboxRows(dialect);
        this.uids = new UidAllocation(mailboxes);
        this.expunges = new ExpungeRules(dialect, expungedKept);
        this.structures = new StructureCache(db, dialect, blobs);
        this.recentLocked = "SELECT recent_uid FROM mailbox WHERE id = ?" + dialect.forUpdate();
    }

    @Override
    public List<Mailbox> listMailboxes(String account) throws IOException {
        String owner = account(account);
        return db.read(sql -> sql.query("SELECT " + MAILBOX_COLUMNS + " FROM mailbox WHERE account = ? ORDER BY name",
                Rows::mailbox, owner));
    }

    @Override
    public Optional<Mailbox> mailbox(String account, String name) throws IOException {
        String owner = account(account);
        String mailboxName = mailboxName(name);
        return db.read(sql -> mailboxes.find(sql, owner, mailboxName));
    }

    @Override
    public Mailbox createMailbox(String account, String name) throws IOException {
        return createMailbox(account, name, null);
    }

    @Override
    public Mailbox createMailbox(String account, String name, String specialUse) throws IOException {
        String owner = account(account);
        String mailboxName = mailboxName(name);
        return db.write(tx -> {
            Mailbox created = mailboxes.insert(tx, owner, mailboxName, specialUse)
                    .orElseThrow(() -> new MailStoreException.AlreadyExists("mailbox exists: " + mailboxName));
            publish(tx, created, MailboxEvent.Kind.MAILBOX_CHANGED, List.of(), created.highestModSeq());
            return created;
        });
    }

    @Override
    public void deleteMailbox(String account, String name) throws IOException {
        String owner = account(account);
        String mailboxName = mailboxName(name);
        // RFC 9051 section 6.3.5: deleting INBOX is an error.
        if (Mailbox.INBOX.equals(mailboxName)) throw new MailStoreException("INBOX cannot be deleted");
        db.write(tx -> {
            Mailbox mailbox = mailboxes.findLocked(tx, owner, mailboxName)
                    .orElseThrow(() -> new MailStoreException.NotFound("no mailbox " + mailboxName));
            List<String> blobs = tx.query("SELECT DISTINCT blob_id FROM message WHERE mailbox_id = ?",
                    rs -> rs.getString(1), mailbox.id());
            tx.update("DELETE FROM message WHERE mailbox_id = ?", mailbox.id());
            tx.update("DELETE FROM expunged WHERE mailbox_id = ?", mailbox.id());
            tx.update("DELETE FROM mailbox WHERE id = ?", mailbox.id());
            for (String blobId : blobs) tx.releaseBlob(blobId);
            publish(tx, mailbox, MailboxEvent.Kind.MAILBOX_CHANGED, List.of(), mailbox.highestModSeq());
            return null;
        });
    }

    /**
     * Renames a mailbox and, as RFC 9051 section 6.3.6 asks, its inferiors ({@code a/b} moves with {@code a}),
     * keeping ids, UIDs and UIDVALIDITY. Renaming INBOX (which in IMAP moves its messages into a new mailbox) is
     * not supported here.
     */
    @Override
    public void renameMailbox(String account, String from, String to) throws IOException {
        String owner = account(account);
        String oldName = mailboxName(from);
        String newName = mailboxName(to);
        if (Mailbox.INBOX.equals(oldName) || Mailbox.INBOX.equals(newName)) {
            throw new MailStoreException("renaming INBOX or to INBOX is not supported");
        }
        db.write(tx -> {
            Mailbox mailbox = mailboxes.findLocked(tx, owner, oldName)
                    .orElseThrow(() -> new MailStoreException.NotFound("no mailbox " + oldName));
            if (mailboxes.find(tx, owner, newName).isPresent()) {
                throw new MailStoreException.AlreadyExists("mailbox exists: " + newName);
            }
            if (newName.startsWith(oldName + "/")) throw new MailStoreException("cannot move a mailbox into itself");
            List<Mailbox> moving = new ArrayList<>();
            moving.add(mailbox);
            moving.addAll(mailboxes.inferiors(tx, owner, oldName));
            for (Mailbox each : moving) {
                String renamed = newName + each.name().substring(oldName.length());
                if (each != mailbox && mailboxes.find(tx, owner, renamed).isPresent()) {
                    throw new MailStoreException.AlreadyExists("mailbox exists: " + renamed);
                }
                tx.update("UPDATE mailbox SET name = ? WHERE id = ?", renamed, each.id());
                publish(tx, each, MailboxEvent.Kind.MAILBOX_CHANGED, List.of(), each.highestModSeq());
            }
            return null;
        });
    }

    @Override
    public List<Placed> deliver(NewMessage message, List<Target> targets) throws IOException {
        List<Appending> each = new ArrayList<>(targets.size());
        for (Target target : targets) each.add(new Appending(message, target));
        return appendAll(each);
    }

    @Override
    public List<Placed> appendAll(List<Appending> messages) throws IOException {
        if (messages.isEmpty()) return List.of();
        Map<String, byte[]> parsed = structures.parse(messages); // on the caller's thread, before the write
        return db.write(tx -> {
            structures.store(tx, parsed);
            Map<Long, List<Long>> appended = new LinkedHashMap<>();
            Map<Long, Mailbox> touched = new LinkedHashMap<>();
            List<Placed> placed = uids.append(tx, messages, appended, touched);
            for (Mailbox mailbox : touched.values()) {
                publish(tx, mailbox, MailboxEvent.Kind.APPENDED, appended.get(mailbox.id()), mailbox.highestModSeq());
            }
            return placed;
        });
    }

    @Override
    public Optional<MessageStructure> structure(String blobId) throws IOException {
        return structures.structure(blobId);
    }

    @Override
    public Map<String, MessageStructure> structures(Collection<String> blobIds) throws IOException {
        return structures.structures(blobIds);
    }

    @Override
    public List<MessageRecord> messages(long mailboxId) throws IOException {
        return db.read(sql -> sql.query("SELECT " + MESSAGE_COLUMNS + " FROM message WHERE mailbox_id = ?"
                + " ORDER BY uid", Rows::message, mailboxId));
    }

    /** Flags only, never a message: on SQLite committed without an fsync of its own ("Flag changes"). */
    @Override
    public List<MessageRecord> updateFlags(long mailboxId, Collection<Long> uids, FlagOp op, Set<String> flags)
            throws IOException {
        Set<Long> sortedUids = new TreeSet<>(uids);
        Set<String> given = Set.copyOf(flags);
        return db.writeUnsynced(tx -> {
            Mailbox mailbox = mailboxes.lockById(tx, mailboxId);
            long modSeq = mailbox.highestModSeq() + 1;
            List<MessageRecord> changed = new ArrayList<>();
            for (MessageRecord before : dialect.messages(tx, mailboxId, sortedUids, false)) {
                Set<String> after = applyFlags(before.flags(), op, given);
                if (after.equals(before.flags())) continue;
                changed.add(new MessageRecord(mailboxId, before.uid(), before.blobId(), before.size(),
                        before.internalDate(), after, modSeq));
            }
            if (!changed.isEmpty()) {
                dialect.setFlags(tx, mailboxId, modSeq, changed);
                tx.update("UPDATE mailbox SET highestmodseq = ? WHERE id = ?", modSeq, mailboxId);
                publish(tx, mailbox, MailboxEvent.Kind.FLAGS_CHANGED,
                        changed.stream().map(MessageRecord::uid).toList(), modSeq);
            }
            return changed;
        });
    }

    @Override
    public void expunge(long mailboxId, Collection<Long> uids) throws IOException {
        Set<Long> sortedUids = new TreeSet<>(uids);
        db.write(tx -> {
            Mailbox mailbox = mailboxes.lockById(tx, mailboxId);
            long modSeq = mailbox.highestModSeq() + 1;
            List<MessageRecord> removed = expunges.remove(tx, mailboxId, sortedUids, modSeq, true);
            if (!removed.isEmpty()) {
                publish(tx, mailbox, MailboxEvent.Kind.EXPUNGED, removed.stream().map(MessageRecord::uid).toList(),
                        modSeq);
            }
            return null;
        });
    }

    @Override
    public Copied copy(long fromMailboxId, Collection<Long> uids, long toMailboxId) throws IOException {
        return copyOrMove(fromMailboxId, uids, toMailboxId, false);
    }

    @Override
    public Copied move(long fromMailboxId, Collection<Long> uids, long toMailboxId) throws IOException {
        return copyOrMove(fromMailboxId, uids, toMailboxId, true);
    }

    /** One write, so a move is never seen half done. */
    private Copied copyOrMove(long fromMailboxId, Collection<Long> uids, long toMailboxId, boolean move)
            throws IOException {
        Set<Long> sortedUids = new TreeSet<>(uids);
        return db.write(tx -> {
            Mailbox[] pair = mailboxes.lockPair(tx, fromMailboxId, toMailboxId);
            Mailbox from = pair[0];
            Mailbox to = pair[1];
            if (!from.account().equals(to.account())) throw new MailStoreException("copy across accounts");
            if (from.id() == to.id() && move) throw new MailStoreException("move into the same mailbox");
            // Locked too: a concurrent expunge of a source waits, then sees the copy and keeps the blob.
            List<MessageRecord> sources = dialect.messages(tx, fromMailboxId, sortedUids, true);
            if (sources.isEmpty()) return new Copied(to.uidValidity(), List.of(), List.of());
            UidAllocation.Copies copies = UidAllocation.copy(tx, sources, toMailboxId);
            publish(tx, to, MailboxEvent.Kind.APPENDED, copies.uids(), copies.modSeq());
            List<Long> sourceUids = sources.stream().map(MessageRecord::uid).toList();
            if (move) {
                long sourceModSeq = from.highestModSeq() + 1;
                expunges.remove(tx, fromMailboxId, sourceUids, sourceModSeq, false);
                publish(tx, from, MailboxEvent.Kind.EXPUNGED, sourceUids, sourceModSeq);
            }
            return new Copied(to.uidValidity(), sourceUids, copies.uids());
        });
    }

    @Override
    public Map<String, String> specialUses(String account) throws IOException {
        String owner = account(account);
        return db.read(sql -> {
            Map<String, String> uses = new LinkedHashMap<>();
            for (String[] row : sql.query("SELECT name, special_use FROM mailbox WHERE account = ?"
                    + " AND special_use IS NOT NULL ORDER BY name",
                    rs -> new String[] {rs.getString(1), rs.getString(2)}, owner)) {
                uses.put(row[0], row[1]);
            }
            return uses;
        });
    }

    @Override
    public void addSubscription(String account, String name) throws IOException {
        String owner = account(account);
        String mailboxName = mailboxName(name);
        db.write(tx -> tx.update(dialect.insertOrIgnore("INSERT INTO subscription (account, name) VALUES (?, ?)"),
                owner, mailboxName));
    }

    @Override
    public boolean removeSubscription(String account, String name) throws IOException {
        String owner = account(account);
        String mailboxName = mailboxName(name);
        return db.write(tx -> tx.update("DELETE FROM subscription WHERE account = ? AND name = ?",
                owner, mailboxName) > 0);
    }

    @Override
    public List<String> subscriptions(String account) throws IOException {
        String owner = account(account);
        return db.read(sql -> sql.query("SELECT name FROM subscription WHERE account = ? ORDER BY name",
                rs -> rs.getString(1), owner));
    }

    /** One sum over the account's mailbox rows (found by the (account, name) index); messages are not read. */
    @Override
    public long usage(String account) throws IOException {
        String owner = account(account);
        return db.read(sql -> sql.queryLong("SELECT COALESCE(SUM(size), 0) FROM mailbox WHERE account = ?", owner))
                .orElse(0L);
    }

    @Override
    public List<MessageRecord> changedSince(long mailboxId, long modSeq) throws IOException {
        return db.read(sql -> sql.query("SELECT " + MESSAGE_COLUMNS + " FROM message WHERE mailbox_id = ?"
                + " AND modseq > ? ORDER BY uid", Rows::message, mailboxId, modSeq));
    }

    @Override
    public List<Long> expungedSince(long mailboxId, long modSeq) throws IOException {
        return db.read(sql -> ExpungeRules.expungedSince(sql, mailboxId, modSeq));
    }

    @Override
    public Vanished vanishedSince(long mailboxId, long modSeq) throws IOException {
        return db.read(sql -> ExpungeRules.vanishedSince(sql, mailboxId, modSeq));
    }

    /**
     * Reads first, and writes only when there is something to claim: most SELECTs find nothing new, and they
     * then cost no write. The write re-reads the mark (locked on PostgreSQL), since another session or node may
     * have claimed meanwhile, so that of two claiming at once each gets its own range. No message bytes change:
     * a claim lost in a power cut only shows messages as recent once more (SQLite commits it unsynced).
     */
    @Override
    public long claimRecent(long mailboxId, long upToUid) throws IOException {
        long mark = recentMark(mailboxId);
        if (mark >= upToUid) return mark;
        return db.writeUnsynced(tx -> {
            Optional<Long> before = tx.queryLong(recentLocked, mailboxId);
            if (before.isEmpty()) return upToUid; // deleted meanwhile: nothing to claim
            if (before.get() < upToUid) tx.update("UPDATE mailbox SET recent_uid = ? WHERE id = ?", upToUid, mailboxId);
            return before.get();
        });
    }

    @Override
    public long recentMark(long mailboxId) throws IOException {
        return db.read(sql -> sql.queryLong("SELECT recent_uid FROM mailbox WHERE id = ?", mailboxId))
                .orElse(Long.MAX_VALUE);
    }

    @Override
    public int recentCount(long mailboxId) throws IOException {
        return db.read(sql -> sql.queryLong("SELECT COUNT(*) FROM message WHERE mailbox_id = ? AND uid >"
                + " (SELECT recent_uid FROM mailbox WHERE id = ?)", mailboxId, mailboxId)).orElse(0L).intValue();
    }

    @Override
    public Optional<AutoCloseable> lockMaildrop(String account) throws IOException {
        return maildropLocks.tryLock(account.toLowerCase(Locale.ROOT));
    }

    @Override
    public AutoCloseable subscribe(String account, Consumer<MailboxEvent> listener) {
        return events.subscribe(account.toLowerCase(Locale.ROOT), listener);
    }

    private void publish(SqlTx tx, Mailbox mailbox, MailboxEvent.Kind kind, List<Long> uids, long modSeq)
            throws SQLException {
        events.publish(tx, new MailboxEvent(mailbox.account(), mailbox.id(), kind, uids, modSeq));
    }
}
