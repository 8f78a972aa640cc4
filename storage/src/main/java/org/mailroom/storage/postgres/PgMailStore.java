package org.mailroom.storage.postgres;

import static org.mailroom.storage.StoreValues.account;
import static org.mailroom.storage.StoreValues.applyFlags;
import static org.mailroom.storage.StoreValues.decodeFlags;
import static org.mailroom.storage.StoreValues.encodeFlags;
import static org.mailroom.storage.StoreValues.isBlobId;
import static org.mailroom.storage.StoreValues.mailboxName;

import java.io.IOException;
import java.io.InputStream;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.mailroom.core.store.Mailbox;
import org.mailroom.core.store.MailboxEvent;
import org.mailroom.core.mime.MessageStructure;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.MailStoreException;
import org.mailroom.core.store.MessageRecord;

/**
 * Mailboxes and messages in PostgreSQL, shared by every node. The semantics are the embedded store's
 * ({@code SqliteMailStore}); what differs is how several writers on several nodes are kept apart.
 *
 * <h2>UIDs and MODSEQs under concurrent delivery</h2>
 * A delivery bumps each target mailbox's counters with {@code UPDATE mailbox SET uidnext = uidnext + n,
 * highestmodseq = highestmodseq + 1 ... RETURNING}, inside the delivering transaction. The row lock it takes
 * makes the next delivery to that mailbox, from any node, wait until this one commits or rolls back; so UIDs
 * are handed out in commit order, a rolled-back delivery gives its UIDs back, and a client never sees UID 7
 * before UID 6 exists (no visible gaps, no duplicates). Mailboxes are locked in ascending id order, so two
 * deliveries to the same pair of mailboxes cannot deadlock (and a deadlock would be retried anyway).
 *
 * <h2>Events</h2>
 * See {@link PgEvents}: NOTIFY in the transaction, local listeners right after the commit.
 */
public final class PgMailStore implements MailStore {

    private static final String MAILBOX_COLUMNS =
            "id, account, name, uidvalidity, uidnext, highestmodseq, messages, size";
    private static final String MESSAGE_COLUMNS = "mailbox_id, uid, blob_id, size, internal_date, flags, modseq";

    private final PgDatabase db;
    private final PgEvents events;
    private final PgMaildropLocks maildropLocks;
    private final PgBlobStore blobs;

    /** Expunge records kept per mailbox; older ones are pruned (see {@link #pruneExpunged}). */
    private final int expungedKept;

    PgMailStore(PgDatabase db, PgEvents events, PgMaildropLocks maildropLocks, PgBlobStore blobs, int expungedKept) {
        if (expungedKept < 1) throw new IllegalArgumentException("expungedKept must be at least 1");
        this.expungedKept = expungedKept;
        this.blobs = blobs;
        this.db = db;
        this.events = events;
        this.maildropLocks = maildropLocks;
    }

    @Override
    public List<Mailbox> listMailboxes(String account) throws IOException {
        String owner = account(account);
        return db.read(sql -> sql.query("SELECT " + MAILBOX_COLUMNS + " FROM mailbox WHERE account = ? ORDER BY name",
                PgMailStore::mailbox, owner));
    }

    @Override
    public Optional<Mailbox> mailbox(String account, String name) throws IOException {
        String owner = account(account);
        String mailboxName = mailboxName(name);
        return db.read(sql -> find(sql, owner, mailboxName, false));
    }

    @Override
    public Mailbox createMailbox(String account, String name) throws IOException {
        return createMailbox(account, name, null);
    }

    @Override
    public Mailbox createMailbox(String account, String name, String specialUse) throws IOException {
        String owner = account(account);
        String mailboxName = mailboxName(name);
        return db.write(sql -> {
            Mailbox created = insertMailbox(sql, owner, mailboxName, specialUse)
                    .orElseThrow(() -> new MailStoreException.AlreadyExists("mailbox exists: " + mailboxName));
            publish(sql, created, MailboxEvent.Kind.MAILBOX_CHANGED, List.of(), created.highestModSeq());
            return created;
        });
    }

    @Override
    public void deleteMailbox(String account, String name) throws IOException {
        String owner = account(account);
        String mailboxName = mailboxName(name);
        // RFC 9051 section 6.3.5: deleting INBOX is an error.
        if (Mailbox.INBOX.equals(mailboxName)) throw new MailStoreException("INBOX cannot be deleted");
        db.write(sql -> {
            Mailbox mailbox = find(sql, owner, mailboxName, true)
                    .orElseThrow(() -> new MailStoreException.NotFound("no mailbox " + mailboxName));
            List<String> blobs = sql.query("SELECT DISTINCT blob_id FROM message WHERE mailbox_id = ?",
                    rs -> rs.getString(1), mailbox.id());
            sql.update("DELETE FROM message WHERE mailbox_id = ?", mailbox.id());
            sql.update("DELETE FROM expunged WHERE mailbox_id = ?", mailbox.id());
            sql.update("DELETE FROM mailbox WHERE id = ?", mailbox.id());
            for (String blobId : blobs) PgBlobStore.deleteIfUnreferenced(sql, blobId);
            publish(sql, mailbox, MailboxEvent.Kind.MAILBOX_CHANGED, List.of(), mailbox.highestModSeq());
            return null;
        });
    }

    /** Renames a mailbox and its inferiors (RFC 9051 section 6.3.6), keeping ids, UIDs and UIDVALIDITY. */
    @Override
    public void renameMailbox(String account, String from, String to) throws IOException {
        String owner = account(account);
        String oldName = mailboxName(from);
        String newName = mailboxName(to);
        if (Mailbox.INBOX.equals(oldName) || Mailbox.INBOX.equals(newName)) {
            throw new MailStoreException("renaming INBOX or to INBOX is not supported");
        }
        db.write(sql -> {
            Mailbox mailbox = find(sql, owner, oldName, true)
                    .orElseThrow(() -> new MailStoreException.NotFound("no mailbox " + oldName));
            if (find(sql, owner, newName, false).isPresent()) {
                throw new MailStoreException.AlreadyExists("mailbox exists: " + newName);
            }
            if (newName.startsWith(oldName + "/")) throw new MailStoreException("cannot move a mailbox into itself");
            List<Mailbox> moving = new ArrayList<>();
            moving.add(mailbox);
            moving.addAll(sql.query("SELECT " + MAILBOX_COLUMNS + " FROM mailbox WHERE account = ?"
                    + " AND substr(name, 1, ?) = ? ORDER BY id FOR UPDATE", PgMailStore::mailbox,
                    owner, oldName.length() + 1, oldName + "/"));
            for (Mailbox each : moving) {
                String renamed = newName + each.name().substring(oldName.length());
                if (each != mailbox && find(sql, owner, renamed, false).isPresent()) {
                    throw new MailStoreException.AlreadyExists("mailbox exists: " + renamed);
                }
                sql.update("UPDATE mailbox SET name = ? WHERE id = ?", renamed, each.id());
                publish(sql, each, MailboxEvent.Kind.MAILBOX_CHANGED, List.of(), each.highestModSeq());
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
        // Parsed before the transaction, once per blob: the structure is kept with the blob.
        Map<String, byte[]> structures = new LinkedHashMap<>();
        for (Appending a : messages) {
            String blobId = a.message().blobId();
            if (!structures.containsKey(blobId)) structures.put(blobId, parseQuietly(blobId));
        }
        return db.write(sql -> {
            for (Map.Entry<String, byte[]> structure : structures.entrySet()) {
                if (structure.getValue() == null) continue;
                sql.update("INSERT INTO blob_structure (blob_id, data) VALUES (?, ?) ON CONFLICT (blob_id) DO NOTHING",
                        structure.getKey(), structure.getValue());
            }
            // 1. Every target's mailbox, created if missing. Checked in here, so a bad target undoes the others.
            List<Long> mailboxOf = new ArrayList<>(messages.size());
            Map<Long, Integer> copies = new TreeMap<>(); // ascending id: the lock order
            Map<Long, Long> bytes = new HashMap<>();
            for (Appending a : messages) {
                long id = ensureMailbox(sql, account(a.target().account()), mailboxName(a.target().mailbox()));
                mailboxOf.add(id);
                copies.merge(id, 1, Integer::sum);
                bytes.merge(id, a.message().size(), Long::sum);
            }
            // 2. Take the UIDs and the new MODSEQ of each mailbox; the row stays locked until commit.
            Map<Long, long[]> nextUid = new LinkedHashMap<>();
            Map<Long, Mailbox> touched = new LinkedHashMap<>();
            for (Map.Entry<Long, Integer> e : copies.entrySet()) {
                int n = e.getValue();
                Mailbox after = sql.queryOne("UPDATE mailbox SET uidnext = uidnext + ?, highestmodseq = highestmodseq + 1,"
                        + " messages = messages + ?, size = size + ? WHERE id = ? RETURNING " + MAILBOX_COLUMNS,
                        PgMailStore::mailbox, n, n, bytes.get(e.getKey()), e.getKey()).orElseThrow();
                nextUid.put(e.getKey(), new long[] {after.uidNext() - n});
                touched.put(e.getKey(), after);
            }
            // 3. One row per copy; the copies of one delivery all name the one blob.
            List<Placed> placed = new ArrayList<>(messages.size());
            Map<Long, List<Long>> appended = new LinkedHashMap<>();
            for (int i = 0; i < messages.size(); i++) {
                NewMessage message = messages.get(i).message();
                long mailboxId = mailboxOf.get(i);
                long uid = nextUid.get(mailboxId)[0]++;
                Mailbox mailbox = touched.get(mailboxId);
                sql.update("INSERT INTO message (" + MESSAGE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
                        mailboxId, uid, message.blobId(), message.size(), message.internalDate().toEpochMilli(),
                        encodeFlags(messages.get(i).target().flags()), mailbox.highestModSeq());
                placed.add(new Placed(mailbox.account(), mailboxId, uid));
                appended.computeIfAbsent(mailboxId, id -> new ArrayList<>()).add(uid);
            }
            for (Mailbox mailbox : touched.values()) {
                publish(sql, mailbox, MailboxEvent.Kind.APPENDED, appended.get(mailbox.id()), mailbox.highestModSeq());
            }
            return placed;
        });
    }

    @Override
    public Optional<MessageStructure> structure(String blobId) throws IOException {
        if (!isBlobId(blobId)) return Optional.empty();
        Optional<byte[]> stored = db.read(sql -> sql.queryOne("SELECT data FROM blob_structure WHERE blob_id = ?",
                rs -> rs.getBytes(1), blobId));
        if (stored.isPresent()) {
            try {
                return Optional.of(MessageStructure.fromBytes(stored.get()));
            } catch (IllegalArgumentException e) {
                // Written by another version of the codec, or damaged: parse again below.
            }
        }
        byte[] parsed = parseQuietly(blobId);
        if (parsed == null) return Optional.empty(); // no such blob
        // Kept only while some message still names the blob, so no row outlives a blob expunged meanwhile.
        db.write(sql -> sql.update("INSERT INTO blob_structure (blob_id, data) SELECT ?, ?"
                + " WHERE EXISTS (SELECT 1 FROM message WHERE blob_id = ?)"
                + " ON CONFLICT (blob_id) DO UPDATE SET data = excluded.data", blobId, parsed, blobId));
        return Optional.of(MessageStructure.fromBytes(parsed));
    }

    /** The stored form of a blob's structure, or null if the blob cannot be read (then parsed on first use). */
    private byte[] parseQuietly(String blobId) {
        try (InputStream in = blobs.open(blobId)) {
            return MessageStructure.parse(in).toBytes();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public List<MessageRecord> messages(long mailboxId) throws IOException {
        return db.read(sql -> sql.query("SELECT " + MESSAGE_COLUMNS + " FROM message WHERE mailbox_id = ?"
                + " ORDER BY uid", PgMailStore::message, mailboxId));
    }

    @Override
    public List<MessageRecord> updateFlags(long mailboxId, Collection<Long> uids, FlagOp op, Set<String> flags)
            throws IOException {
        Set<Long> sortedUids = new TreeSet<>(uids);
        Set<String> given = Set.copyOf(flags);
        return db.write(sql -> {
            Mailbox mailbox = lockById(sql, mailboxId);
            long modSeq = mailbox.highestModSeq() + 1;
            List<MessageRecord> changed = new ArrayList<>();
            for (MessageRecord before : sql.query("SELECT " + MESSAGE_COLUMNS + " FROM message WHERE mailbox_id = ?"
                    + " AND uid = ANY(?) ORDER BY uid", PgMailStore::message, mailboxId, sql.longs(sortedUids))) {
                Set<String> after = applyFlags(before.flags(), op, given);
                if (after.equals(before.flags())) continue;
                sql.update("UPDATE message SET flags = ?, modseq = ? WHERE mailbox_id = ? AND uid = ?",
                        encodeFlags(after), modSeq, mailboxId, before.uid());
                changed.add(new MessageRecord(mailboxId, before.uid(), before.blobId(), before.size(),
                        before.internalDate(), after, modSeq));
            }
            if (!changed.isEmpty()) {
                sql.update("UPDATE mailbox SET highestmodseq = ? WHERE id = ?", modSeq, mailboxId);
                publish(sql, mailbox, MailboxEvent.Kind.FLAGS_CHANGED,
                        changed.stream().map(MessageRecord::uid).toList(), modSeq);
            }
            return changed;
        });
    }

    @Override
    public void expunge(long mailboxId, Collection<Long> uids) throws IOException {
        Set<Long> sortedUids = new TreeSet<>(uids);
        db.write(sql -> {
            Mailbox mailbox = lockById(sql, mailboxId);
            long modSeq = mailbox.highestModSeq() + 1;
            List<MessageRecord> removed = deleteMessages(sql, mailboxId, sortedUids, modSeq);
            if (!removed.isEmpty()) {
                long size = removed.stream().mapToLong(MessageRecord::size).sum();
                sql.update("UPDATE mailbox SET highestmodseq = ?, messages = messages - ?, size = size - ?"
                        + " WHERE id = ?", modSeq, removed.size(), size, mailboxId);
                for (String blobId : new LinkedHashSet<>(removed.stream().map(MessageRecord::blobId).toList())) {
                    PgBlobStore.deleteIfUnreferenced(sql, blobId);
                }
                pruneExpunged(sql, mailboxId);
                publish(sql, mailbox, MailboxEvent.Kind.EXPUNGED, removed.stream().map(MessageRecord::uid).toList(),
                        modSeq);
            }
            return null;
        });
    }

    /** Deletes the messages and remembers their UIDs as expunged at {@code modSeq}; returns them by UID. */
    private static List<MessageRecord> deleteMessages(PgSql sql, long mailboxId, Collection<Long> uids, long modSeq)
            throws SQLException {
        List<MessageRecord> removed = sql.query("DELETE FROM message WHERE mailbox_id = ? AND uid = ANY(?)"
                + " RETURNING " + MESSAGE_COLUMNS, PgMailStore::message, mailboxId, sql.longs(uids));
        removed.sort((a, b) -> Long.compare(a.uid(), b.uid()));
        for (MessageRecord m : removed) {
            sql.update("INSERT INTO expunged (mailbox_id, uid, modseq) VALUES (?, ?, ?)"
                    + " ON CONFLICT (mailbox_id, uid) DO UPDATE SET modseq = excluded.modseq", mailboxId, m.uid(), modSeq);
        }
        return removed;
    }

    @Override
    public Copied copy(long fromMailboxId, Collection<Long> uids, long toMailboxId) throws IOException {
        return copyOrMove(fromMailboxId, uids, toMailboxId, false);
    }

    @Override
    public Copied move(long fromMailboxId, Collection<Long> uids, long toMailboxId) throws IOException {
        return copyOrMove(fromMailboxId, uids, toMailboxId, true);
    }

    /** One transaction, so a move is never seen half done. The blob is shared, never copied. */
    private Copied copyOrMove(long fromMailboxId, Collection<Long> uids, long toMailboxId, boolean move)
            throws IOException {
        Set<Long> sortedUids = new TreeSet<>(uids);
        return db.write(sql -> {
            // Both rows locked in id order, like deliveries, so that no two writers wait for each other.
            Mailbox from = null;
            Mailbox to = null;
            for (Mailbox m : sql.query("SELECT " + MAILBOX_COLUMNS + " FROM mailbox WHERE id IN (?, ?) ORDER BY id"
                    + " FOR UPDATE", PgMailStore::mailbox, fromMailboxId, toMailboxId)) {
                if (m.id() == fromMailboxId) from = m;
                if (m.id() == toMailboxId) to = m;
            }
            if (from == null) throw new MailStoreException.NotFound("no mailbox with id " + fromMailboxId);
            if (to == null) throw new MailStoreException.NotFound("no mailbox with id " + toMailboxId);
            if (!from.account().equals(to.account())) throw new MailStoreException("copy across accounts");
            if (from.id() == to.id() && move) throw new MailStoreException("move into the same mailbox");
            // Locked too: a concurrent expunge of a source waits, then sees the copy and keeps the blob.
            List<MessageRecord> sources = sql.query("SELECT " + MESSAGE_COLUMNS + " FROM message WHERE mailbox_id = ?"
                    + " AND uid = ANY(?) ORDER BY uid FOR UPDATE", PgMailStore::message, fromMailboxId,
                    sql.longs(sortedUids));
            if (sources.isEmpty()) return new Copied(to.uidValidity(), List.of(), List.of());
            long targetModSeq = to.highestModSeq() + 1;
            long uid = to.uidNext();
            List<Long> sourceUids = new ArrayList<>();
            List<Long> targetUids = new ArrayList<>();
            long size = 0;
            for (MessageRecord m : sources) {
                sql.update("INSERT INTO message (" + MESSAGE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
                        toMailboxId, uid, m.blobId(), m.size(), m.internalDate().toEpochMilli(),
                        encodeFlags(m.flags()), targetModSeq);
                sourceUids.add(m.uid());
                targetUids.add(uid);
                size += m.size();
                uid++;
            }
            sql.update("UPDATE mailbox SET uidnext = ?, highestmodseq = ?, messages = messages + ?, size = size + ?"
                    + " WHERE id = ?", uid, targetModSeq, sources.size(), size, toMailboxId);
            publish(sql, to, MailboxEvent.Kind.APPENDED, targetUids, targetModSeq);
            if (move) {
                long sourceModSeq = from.highestModSeq() + 1;
                deleteMessages(sql, fromMailboxId, sourceUids, sourceModSeq);
                sql.update("UPDATE mailbox SET highestmodseq = ?, messages = messages - ?, size = size - ?"
                        + " WHERE id = ?", sourceModSeq, sources.size(), size, fromMailboxId);
                pruneExpunged(sql, fromMailboxId);
                publish(sql, from, MailboxEvent.Kind.EXPUNGED, sourceUids, sourceModSeq);
            }
            return new Copied(to.uidValidity(), sourceUids, targetUids);
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
        db.write(sql -> sql.update("INSERT INTO subscription (account, name) VALUES (?, ?) ON CONFLICT DO NOTHING",
                owner, mailboxName));
    }

    @Override
    public boolean removeSubscription(String account, String name) throws IOException {
        String owner = account(account);
        String mailboxName = mailboxName(name);
        return db.write(sql -> sql.update("DELETE FROM subscription WHERE account = ? AND name = ?",
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
                + " AND modseq > ? ORDER BY uid", PgMailStore::message, mailboxId, modSeq));
    }

    @Override
    public List<Long> expungedSince(long mailboxId, long modSeq) throws IOException {
        return db.read(sql -> sql.query("SELECT uid FROM expunged WHERE mailbox_id = ? AND modseq > ? ORDER BY uid",
                rs -> rs.getLong(1), mailboxId, modSeq));
    }

    /** Across nodes: see {@link PgMaildropLocks}. */
    /**
     * The records, then the floor: under READ COMMITTED each statement sees its own moment, and in this order a
     * prune committed between them can only make the answer look less complete than it is, never more.
     */
    @Override
    public Vanished vanishedSince(long mailboxId, long modSeq) throws IOException {
        return db.read(sql -> {
            List<Long> uids = sql.query("SELECT uid FROM expunged WHERE mailbox_id = ? AND modseq > ? ORDER BY uid",
                    rs -> rs.getLong(1), mailboxId, modSeq);
            long floor = sql.queryLong("SELECT expunged_floor FROM mailbox WHERE id = ?", mailboxId).orElse(0L);
            return new Vanished(floor, uids);
        });
    }

    /**
     * Keeps the newest {@link #expungedKept} expunge records of a mailbox and raises its floor to the highest
     * MODSEQ pruned, in the expunging transaction (which holds the mailbox row's lock).
     */
    private void pruneExpunged(PgSql sql, long mailboxId) throws SQLException {
        Optional<Long> cut = sql.queryLong("SELECT modseq FROM expunged WHERE mailbox_id = ? ORDER BY modseq DESC"
                + " LIMIT 1 OFFSET ?", mailboxId, expungedKept);
        if (cut.isEmpty()) return;
        sql.update("DELETE FROM expunged WHERE mailbox_id = ? AND modseq <= ?", mailboxId, cut.get());
        sql.update("UPDATE mailbox SET expunged_floor = GREATEST(expunged_floor, ?) WHERE id = ?", cut.get(), mailboxId);
    }

    /**
     * A read first, and a write only when there is something to claim. The write is one conditional UPDATE: it
     * raises the mark only if it is still below {@code upToUid}, and returns the mark it replaced, so that of two
     * nodes claiming at once each gets its own range (the row lock orders them; the second sees the first's mark).
     */
    @Override
    public long claimRecent(long mailboxId, long upToUid) throws IOException {
        long mark = recentMark(mailboxId);
        if (mark >= upToUid) return mark;
        return db.write(sql -> {
            Optional<Long> replaced = sql.queryLong("UPDATE mailbox m SET recent_uid = ? FROM"
                    + " (SELECT id, recent_uid FROM mailbox WHERE id = ? FOR UPDATE) old"
                    + " WHERE m.id = old.id AND old.recent_uid < ? RETURNING old.recent_uid",
                    upToUid, mailboxId, upToUid);
            if (replaced.isPresent()) return replaced.get();
            // Nothing raised: someone claimed up to here or beyond, or the mailbox is gone.
            return sql.queryLong("SELECT recent_uid FROM mailbox WHERE id = ?", mailboxId).orElse(upToUid);
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

    private void publish(PgSql sql, Mailbox mailbox, MailboxEvent.Kind kind, List<Long> uids, long modSeq)
            throws SQLException {
        events.publish(sql, new MailboxEvent(mailbox.account(), mailbox.id(), kind, uids, modSeq));
    }

    /** The mailbox's id, created (with a fresh UIDVALIDITY) if it does not exist. */
    private static long ensureMailbox(PgSql sql, String owner, String name) throws SQLException {
        Optional<Long> id = sql.queryLong("SELECT id FROM mailbox WHERE account = ? AND name = ?", owner, name);
        if (id.isPresent()) return id.get();
        Optional<Mailbox> created = insertMailbox(sql, owner, name, null);
        if (created.isPresent()) return created.get().id();
        // Another node created it just now; READ COMMITTED: this statement sees its commit.
        return sql.queryLong("SELECT id FROM mailbox WHERE account = ? AND name = ?", owner, name).orElseThrow();
    }

    /**
     * Inserts a mailbox unless one of that name exists (then empty). UIDVALIDITY is the time in seconds, or one
     * more than the last value handed out, so a mailbox deleted and created again within a second still gets a
     * new one (RFC 9051 section 2.3.1.1); the counter row is shared by all nodes.
     */
    private static Optional<Mailbox> insertMailbox(PgSql sql, String owner, String name, String specialUse)
            throws SQLException {
        long uidValidity = sql.queryLong("UPDATE meta SET value = GREATEST(value + 1, ?) WHERE key = 'uidvalidity'"
                + " RETURNING value", Instant.now().getEpochSecond()).orElseThrow();
        return sql.queryOne("INSERT INTO mailbox (account, name, uidvalidity, uidnext, highestmodseq, special_use)"
                + " VALUES (?, ?, ?, 1, 1, ?) ON CONFLICT (account, name) DO NOTHING RETURNING " + MAILBOX_COLUMNS,
                PgMailStore::mailbox, owner, name, uidValidity, specialUse);
    }

    private static Optional<Mailbox> find(PgSql sql, String owner, String name, boolean lock) throws SQLException {
        return sql.queryOne("SELECT " + MAILBOX_COLUMNS + " FROM mailbox WHERE account = ? AND name = ?"
                + (lock ? " FOR UPDATE" : ""), PgMailStore::mailbox, owner, name);
    }

    private static Mailbox lockById(PgSql sql, long id) throws SQLException, MailStoreException {
        return sql.queryOne("SELECT " + MAILBOX_COLUMNS + " FROM mailbox WHERE id = ? FOR UPDATE", PgMailStore::mailbox, id)
                .orElseThrow(() -> new MailStoreException.NotFound("no mailbox with id " + id));
    }




    private static Mailbox mailbox(ResultSet rs) throws SQLException {
        return new Mailbox(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                rs.getLong(6), rs.getInt(7), rs.getLong(8));
    }

    private static MessageRecord message(ResultSet rs) throws SQLException {
        return new MessageRecord(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getLong(4),
                Instant.ofEpochMilli(rs.getLong(5)), decodeFlags(rs.getString(6)), rs.getLong(7));
    }
}
