package org.mailroom.storage.embedded;

import static org.mailroom.storage.StoreValues.account;
import static org.mailroom.storage.StoreValues.applyFlags;
import static org.mailroom.storage.StoreValues.decodeFlags;
import static org.mailroom.storage.StoreValues.encodeFlags;
import static org.mailroom.storage.StoreValues.mailboxName;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.mailroom.core.mime.MessageStructure;
import org.mailroom.core.store.Mailbox;
import org.mailroom.core.store.MailboxEvent;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.MailStoreException;
import org.mailroom.core.store.MessageRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mailboxes and messages in SQLite; the bytes are blobs. Every change runs as one piece of work on the
 * {@link SqliteDatabase} writer, so it is atomic, group-committed and durable when the method returns.
 *
 * <p>Numbers IMAP relies on: a mailbox's UIDNEXT only grows (it is a column, not {@code max(uid)+1}, so
 * expunging the last message does not give its UID away again); each change takes the mailbox's
 * HIGHESTMODSEQ plus one as its MODSEQ (RFC 7162 section 3.1.1: several messages changed by one command may
 * share it); UIDVALIDITY is the creation time in seconds, or one more than the last value handed out, so a
 * mailbox deleted and created again within a second still gets a new one (RFC 9051 section 2.3.1.1).
 *
 * <p>MIME structure: {@link #deliver} parses the committed blob on the caller's thread, before handing the
 * rows to the group commit, and stores the result in {@code blob_structure} in the same transaction as the
 * messages. So the parse runs in parallel on the sessions' threads (not on the single writer), a delivery
 * is never visible without its structure, and IMAP FETCH ENVELOPE/BODYSTRUCTURE and header SEARCH over a
 * mailbox read no message file. Parsing at the first FETCH instead would put the file reads back on the
 * path this is meant to make fast. Blobs stored by older versions get theirs on first use.
 */
public final class SqliteMailStore implements MailStore {

    private static final Logger log = LoggerFactory.getLogger(SqliteMailStore.class);
    private static final String MAILBOX_COLUMNS =
            "id, account, name, uidvalidity, uidnext, highestmodseq, messages, size";
    private static final String MESSAGE_COLUMNS = "mailbox_id, uid, blob_id, size, internal_date, flags, modseq";

    private final SqliteDatabase db;
    private final EmbeddedBlobStore blobs;
    private final Map<String, List<Consumer<MailboxEvent>>> listeners = new ConcurrentHashMap<>();
    private final Set<String> lockedMaildrops = ConcurrentHashMap.newKeySet();
    /** Expunge records kept per mailbox; older ones are pruned (see {@link #pruneExpunged}). */
    private final int expungedKept;

    SqliteMailStore(SqliteDatabase db, EmbeddedBlobStore blobs, int expungedKept) {
        if (expungedKept < 1) throw new IllegalArgumentException("expungedKept must be at least 1");
        this.db = db;
        this.blobs = blobs;
        this.expungedKept = expungedKept;
    }

    @Override
    public List<Mailbox> listMailboxes(String account) throws IOException {
        String owner = account(account);
        return db.read(sql -> sql.query("SELECT " + MAILBOX_COLUMNS + " FROM mailbox WHERE account = ? ORDER BY name",
                SqliteMailStore::mailbox, owner));
    }

    @Override
    public Optional<Mailbox> mailbox(String account, String name) throws IOException {
        String owner = account(account);
        String mailboxName = mailboxName(name);
        return db.read(sql -> find(sql, owner, mailboxName));
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
            if (find(tx.sql(), owner, mailboxName).isPresent()) {
                throw new MailStoreException.AlreadyExists("mailbox exists: " + mailboxName);
            }
            Mailbox created = insertMailbox(tx, owner, mailboxName);
            if (specialUse != null) {
                tx.sql().update("UPDATE mailbox SET special_use = ? WHERE id = ?", specialUse, created.id());
            }
            publishAfterCommit(tx, created, MailboxEvent.Kind.MAILBOX_CHANGED, List.of(), created.highestModSeq());
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
            SqlConnection sql = tx.sql();
            Mailbox mailbox = find(sql, owner, mailboxName)
                    .orElseThrow(() -> new MailStoreException.NotFound("no mailbox " + mailboxName));
            for (String blobId : sql.query("SELECT DISTINCT blob_id FROM message WHERE mailbox_id = ?",
                    rs -> rs.getString(1), mailbox.id())) {
                tx.releaseBlob(blobId);
            }
            sql.update("DELETE FROM message WHERE mailbox_id = ?", mailbox.id());
            sql.update("DELETE FROM expunged WHERE mailbox_id = ?", mailbox.id());
            sql.update("DELETE FROM mailbox WHERE id = ?", mailbox.id());
            publishAfterCommit(tx, mailbox, MailboxEvent.Kind.MAILBOX_CHANGED, List.of(), mailbox.highestModSeq());
            return null;
        });
    }

    /**
     * Renames a mailbox and, as RFC 9051 section 6.3.6 asks, its inferiors ({@code a/b} moves with {@code a}).
     * Renaming INBOX (which in IMAP moves its messages into a new mailbox) is not supported here.
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
            SqlConnection sql = tx.sql();
            Mailbox mailbox = find(sql, owner, oldName)
                    .orElseThrow(() -> new MailStoreException.NotFound("no mailbox " + oldName));
            if (find(sql, owner, newName).isPresent()) {
                throw new MailStoreException.AlreadyExists("mailbox exists: " + newName);
            }
            if (newName.startsWith(oldName + "/")) {
                throw new MailStoreException("cannot move a mailbox into itself");
            }
            List<Mailbox> moving = new ArrayList<>();
            moving.add(mailbox);
            moving.addAll(sql.query("SELECT " + MAILBOX_COLUMNS + " FROM mailbox WHERE account = ?"
                    + " AND substr(name, 1, ?) = ?", SqliteMailStore::mailbox, owner, oldName.length() + 1, oldName + "/"));
            for (Mailbox each : moving) {
                String renamed = newName + each.name().substring(oldName.length());
                if (each != mailbox && find(sql, owner, renamed).isPresent()) {
                    throw new MailStoreException.AlreadyExists("mailbox exists: " + renamed);
                }
                sql.update("UPDATE mailbox SET name = ? WHERE id = ?", renamed, each.id());
                publishAfterCommit(tx, each, MailboxEvent.Kind.MAILBOX_CHANGED, List.of(), each.highestModSeq());
            }
            return null;
        });
    }

    @Override
    public List<Placed> deliver(NewMessage message, List<Target> targets) throws IOException {
        if (targets.isEmpty()) return List.of();
        List<Appending> each = new ArrayList<>(targets.size());
        for (Target target : targets) each.add(new Appending(message, target));
        return appendAll(each);
    }

    @Override
    public List<Placed> appendAll(List<Appending> messages) throws IOException {
        if (messages.isEmpty()) return List.of();
        // Parsed here, on the caller's thread, not on the one writer thread; one parse per blob.
        Map<String, byte[]> structures = new LinkedHashMap<>();
        for (Appending each : messages) {
            String blobId = each.message().blobId();
            if (!structures.containsKey(blobId)) structures.put(blobId, parseQuietly(blobId));
        }
        return db.write(tx -> {
            SqlConnection sql = tx.sql();
            for (Map.Entry<String, byte[]> structure : structures.entrySet()) {
                blobs.storeWith(tx, structure.getKey());
                if (structure.getValue() == null) continue;
                sql.update("INSERT OR IGNORE INTO blob_structure (blob_id, data) VALUES (?, ?)", structure.getKey(),
                        structure.getValue());
            }
            List<Placed> placed = new ArrayList<>(messages.size());
            Map<Long, List<Long>> appended = new LinkedHashMap<>();
            Map<Long, Mailbox> touched = new LinkedHashMap<>();
            for (Appending each : messages) {
                NewMessage message = each.message();
                Target target = each.target();
                // Checked here, inside the work, so that a bad target also undoes the targets before it.
                String owner = account(target.account());
                String name = mailboxName(target.mailbox());
                Mailbox mailbox = find(sql, owner, name).orElse(null);
                if (mailbox == null) mailbox = insertMailbox(tx, owner, name);
                long uid = mailbox.uidNext();
                long modSeq = mailbox.highestModSeq() + 1;
                sql.update("INSERT INTO message (" + MESSAGE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
                        mailbox.id(), uid, message.blobId(), message.size(), message.internalDate().toEpochMilli(),
                        encodeFlags(target.flags()), modSeq);
                sql.update("UPDATE mailbox SET uidnext = ?, highestmodseq = ?, messages = messages + 1,"
                        + " size = size + ? WHERE id = ?", uid + 1, modSeq, message.size(), mailbox.id());
                placed.add(new Placed(owner, mailbox.id(), uid));
                appended.computeIfAbsent(mailbox.id(), id -> new ArrayList<>()).add(uid);
                touched.put(mailbox.id(), new Mailbox(mailbox.id(), owner, name, mailbox.uidValidity(), uid + 1,
                        modSeq, mailbox.messages() + 1, mailbox.size() + message.size()));
            }
            for (Mailbox mailbox : touched.values()) {
                publishAfterCommit(tx, mailbox, MailboxEvent.Kind.APPENDED, appended.get(mailbox.id()),
                        mailbox.highestModSeq());
            }
            return placed;
        });
    }

    @Override
    public Optional<MessageStructure> structure(String blobId) throws IOException {
        Optional<byte[]> stored = db.read(sql -> sql.queryOne("SELECT data FROM blob_structure WHERE blob_id = ?",
                rs -> rs.getBytes(1), blobId));
        if (stored.isPresent()) {
            try {
                return Optional.of(MessageStructure.fromBytes(stored.get()));
            } catch (IllegalArgumentException e) {
                // Written by another version of the codec, or damaged: parse the message again below.
                log.debug("Stored structure of blob {} unreadable ({}); parsing again", blobId, e.getMessage());
            }
        }
        MessageStructure parsed;
        try (InputStream in = blobs.open(blobId)) {
            parsed = MessageStructure.parse(in);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        byte[] data = parsed.toBytes();
        // Not waited for: a mailbox of old messages is thousands of these, and each may be redone if lost.
        // Only while some row still names the blob, so no row outlives a blob expunged meanwhile.
        db.writeLater(tx -> tx.sql().update("INSERT OR REPLACE INTO blob_structure (blob_id, data) SELECT ?, ?"
                + " WHERE EXISTS (SELECT 1 FROM message WHERE blob_id = ?)", blobId, data, blobId));
        return Optional.of(parsed);
    }

    /** One read transaction for the stored ones, in chunks under SQLite's limit on parameters. */
    @Override
    public Map<String, MessageStructure> structures(Collection<String> blobIds) throws IOException {
        List<String> ids = List.copyOf(new java.util.LinkedHashSet<>(blobIds));
        Map<String, byte[]> stored = db.read(sql -> {
            Map<String, byte[]> rows = new java.util.HashMap<>();
            for (int from = 0; from < ids.size(); from += 500) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
                String marks = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
                for (Object[] row : sql.query("SELECT blob_id, data FROM blob_structure WHERE blob_id IN (" + marks + ")",
                        rs -> new Object[] {rs.getString(1), rs.getBytes(2)}, chunk.toArray())) {
                    rows.put((String) row[0], (byte[]) row[1]);
                }
            }
            return rows;
        });
        Map<String, MessageStructure> found = new java.util.HashMap<>();
        for (String id : ids) {
            byte[] data = stored.get(id);
            MessageStructure structure = null;
            if (data != null) {
                try {
                    structure = MessageStructure.fromBytes(data);
                } catch (IllegalArgumentException e) {
                    structure = null; // unreadable: parsed again by structure(id)
                }
            }
            if (structure == null) structure = structure(id).orElse(null);
            if (structure != null) found.put(id, structure);
        }
        return found;
    }

    /** The stored form of a blob's structure, or null if the blob cannot be read (then it is parsed on first use). */
    private byte[] parseQuietly(String blobId) {
        try (InputStream in = blobs.open(blobId)) {
            return MessageStructure.parse(in).toBytes();
        } catch (IOException e) {
            log.warn("Cannot parse blob {} at delivery ({}); its structure will be computed on first use", blobId,
                    e.toString());
            return null;
        }
    }

    @Override
    public List<MessageRecord> messages(long mailboxId) throws IOException {
        return db.read(sql -> sql.query("SELECT " + MESSAGE_COLUMNS + " FROM message WHERE mailbox_id = ?"
                + " ORDER BY uid", SqliteMailStore::message, mailboxId));
    }

    @Override
    public List<MessageRecord> updateFlags(long mailboxId, Collection<Long> uids, FlagOp op, Set<String> flags)
            throws IOException {
        Set<Long> sortedUids = new TreeSet<>(uids);
        Set<String> given = Set.copyOf(flags);
        // Flags only, never a message: committed without an fsync of its own (SqliteDatabase, "Flag changes").
        return db.writeUnsynced(tx -> {
            SqlConnection sql = tx.sql();
            Mailbox mailbox = byId(sql, mailboxId);
            long modSeq = mailbox.highestModSeq() + 1;
            List<MessageRecord> changed = new ArrayList<>();
            for (long uid : sortedUids) {
                Optional<MessageRecord> found = sql.queryOne("SELECT " + MESSAGE_COLUMNS + " FROM message"
                        + " WHERE mailbox_id = ? AND uid = ?", SqliteMailStore::message, mailboxId, uid);
                if (found.isEmpty()) continue;
                MessageRecord before = found.get();
                Set<String> after = applyFlags(before.flags(), op, given);
                if (after.equals(before.flags())) continue;
                sql.update("UPDATE message SET flags = ?, modseq = ? WHERE mailbox_id = ? AND uid = ?",
                        encodeFlags(after), modSeq, mailboxId, uid);
                changed.add(new MessageRecord(mailboxId, uid, before.blobId(), before.size(), before.internalDate(),
                        after, modSeq));
            }
            if (!changed.isEmpty()) {
                sql.update("UPDATE mailbox SET highestmodseq = ? WHERE id = ?", modSeq, mailboxId);
                publishAfterCommit(tx, mailbox, MailboxEvent.Kind.FLAGS_CHANGED,
                        changed.stream().map(MessageRecord::uid).toList(), modSeq);
            }
            return changed;
        });
    }

    @Override
    public void expunge(long mailboxId, Collection<Long> uids) throws IOException {
        Set<Long> sortedUids = new TreeSet<>(uids);
        db.write(tx -> {
            SqlConnection sql = tx.sql();
            Mailbox mailbox = byId(sql, mailboxId);
            long modSeq = mailbox.highestModSeq() + 1;
            List<Long> removed = new ArrayList<>();
            long removedSize = 0;
            for (long uid : sortedUids) {
                Optional<MessageRecord> found = sql.queryOne("SELECT " + MESSAGE_COLUMNS + " FROM message"
                        + " WHERE mailbox_id = ? AND uid = ?", SqliteMailStore::message, mailboxId, uid);
                if (found.isEmpty()) continue;
                sql.update("DELETE FROM message WHERE mailbox_id = ? AND uid = ?", mailboxId, uid);
                sql.update("INSERT OR REPLACE INTO expunged (mailbox_id, uid, modseq) VALUES (?, ?, ?)",
                        mailboxId, uid, modSeq);
                tx.releaseBlob(found.get().blobId());
                removed.add(uid);
                removedSize += found.get().size();
            }
            if (!removed.isEmpty()) {
                sql.update("UPDATE mailbox SET highestmodseq = ?, messages = messages - ?, size = size - ?"
                        + " WHERE id = ?", modSeq, removed.size(), removedSize, mailboxId);
                pruneExpunged(sql, mailboxId);
                publishAfterCommit(tx, mailbox, MailboxEvent.Kind.EXPUNGED, removed, modSeq);
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

    /** One piece of work, so a move is never seen half done. The blob is shared, never copied. */
    private Copied copyOrMove(long fromMailboxId, Collection<Long> uids, long toMailboxId, boolean move)
            throws IOException {
        Set<Long> sortedUids = new TreeSet<>(uids);
        return db.write(tx -> {
            SqlConnection sql = tx.sql();
            Mailbox from = byId(sql, fromMailboxId);
            Mailbox to = byId(sql, toMailboxId);
            if (!from.account().equals(to.account())) throw new MailStoreException("copy across accounts");
            if (from.id() == to.id() && move) throw new MailStoreException("move into the same mailbox");
            long targetModSeq = to.highestModSeq() + 1;
            long uid = to.uidNext();
            List<Long> sources = new ArrayList<>();
            List<Long> targets = new ArrayList<>();
            long size = 0;
            for (long source : sortedUids) {
                Optional<MessageRecord> found = sql.queryOne("SELECT " + MESSAGE_COLUMNS + " FROM message"
                        + " WHERE mailbox_id = ? AND uid = ?", SqliteMailStore::message, fromMailboxId, source);
                if (found.isEmpty()) continue;
                MessageRecord m = found.get();
                sql.update("INSERT INTO message (" + MESSAGE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
                        toMailboxId, uid, m.blobId(), m.size(), m.internalDate().toEpochMilli(),
                        encodeFlags(m.flags()), targetModSeq);
                sources.add(source);
                targets.add(uid);
                size += m.size();
                uid++;
            }
            if (sources.isEmpty()) return new Copied(to.uidValidity(), List.of(), List.of());
            sql.update("UPDATE mailbox SET uidnext = ?, highestmodseq = ?, messages = messages + ?, size = size + ?"
                    + " WHERE id = ?", uid, targetModSeq, sources.size(), size, toMailboxId);
            publishAfterCommit(tx, to, MailboxEvent.Kind.APPENDED, targets, targetModSeq);
            if (move) {
                long sourceModSeq = from.highestModSeq() + 1;
                for (long source : sources) {
                    sql.update("DELETE FROM message WHERE mailbox_id = ? AND uid = ?", fromMailboxId, source);
                    sql.update("INSERT OR REPLACE INTO expunged (mailbox_id, uid, modseq) VALUES (?, ?, ?)",
                            fromMailboxId, source, sourceModSeq);
                }
                sql.update("UPDATE mailbox SET highestmodseq = ?, messages = messages - ?, size = size - ?"
                        + " WHERE id = ?", sourceModSeq, sources.size(), size, fromMailboxId);
                pruneExpunged(sql, fromMailboxId);
                publishAfterCommit(tx, from, MailboxEvent.Kind.EXPUNGED, sources, sourceModSeq);
            }
            return new Copied(to.uidValidity(), sources, targets);
        });
    }

    @Override
    public Map<String, String> specialUses(String account) throws IOException {
        String owner = account(account);
        return db.read(sql -> {
            Map<String, String> uses = new LinkedHashMap<>();
            for (String[] row : sql.query("SELECT name, special_use FROM mailbox WHERE account = ?"
                    + " AND special_use IS NOT NULL ORDER BY name", rs -> new String[] {rs.getString(1), rs.getString(2)},
                    owner)) {
                uses.put(row[0], row[1]);
            }
            return uses;
        });
    }

    @Override
    public void addSubscription(String account, String name) throws IOException {
        String owner = account(account);
        String mailboxName = mailboxName(name);
        db.write(tx -> tx.sql().update("INSERT OR IGNORE INTO subscription (account, name) VALUES (?, ?)",
                owner, mailboxName));
    }

    @Override
    public boolean removeSubscription(String account, String name) throws IOException {
        String owner = account(account);
        String mailboxName = mailboxName(name);
        return db.write(tx -> tx.sql().update("DELETE FROM subscription WHERE account = ? AND name = ?",
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
                + " AND modseq > ? ORDER BY uid", SqliteMailStore::message, mailboxId, modSeq));
    }

    @Override
    public List<Long> expungedSince(long mailboxId, long modSeq) throws IOException {
        return db.read(sql -> sql.query("SELECT uid FROM expunged WHERE mailbox_id = ? AND modseq > ? ORDER BY uid",
                rs -> rs.getLong(1), mailboxId, modSeq));
    }

    /** The records, then the floor, in one read transaction: a prune between cannot make the answer look complete. */
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
     * MODSEQ pruned. Runs in the expunging transaction; finding the cut walks at most that many index entries.
     */
    private void pruneExpunged(SqlConnection sql, long mailboxId) throws SQLException {
        Optional<Long> cut = sql.queryLong("SELECT modseq FROM expunged WHERE mailbox_id = ? ORDER BY modseq DESC"
                + " LIMIT 1 OFFSET ?", mailboxId, expungedKept);
        if (cut.isEmpty()) return;
        sql.update("DELETE FROM expunged WHERE mailbox_id = ? AND modseq <= ?", mailboxId, cut.get());
        sql.update("UPDATE mailbox SET expunged_floor = MAX(expunged_floor, ?) WHERE id = ?", cut.get(), mailboxId);
    }

    /**
     * Reads first, and writes only when there is something to claim: most SELECTs find nothing new, and they
     * then cost no write. The write re-reads the mark, since another session may have claimed meanwhile; the
     * single writer makes the read and the update one step.
     */
    @Override
    public long claimRecent(long mailboxId, long upToUid) throws IOException {
        long mark = recentMark(mailboxId);
        if (mark >= upToUid) return mark;
        // No message bytes change: a claim lost in a power cut only shows messages as recent once more.
        return db.writeUnsynced(tx -> {
            SqlConnection sql = tx.sql();
            Optional<Long> before = sql.queryLong("SELECT recent_uid FROM mailbox WHERE id = ?", mailboxId);
            if (before.isEmpty()) return upToUid; // deleted meanwhile: nothing to claim
            if (before.get() < upToUid) {
                sql.update("UPDATE mailbox SET recent_uid = ? WHERE id = ?", upToUid, mailboxId);
            }
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

    /** An in-process lock: one server process serves POP3 for a data directory. */
    @Override
    public Optional<AutoCloseable> lockMaildrop(String account) {
        String owner = account.toLowerCase(Locale.ROOT);
        if (!lockedMaildrops.add(owner)) return Optional.empty();
        return Optional.of(new AutoCloseable() {
            private boolean released;

            @Override
            public synchronized void close() {
                if (!released) {
                    released = true;
                    lockedMaildrops.remove(owner);
                }
            }
        });
    }

    @Override
    public AutoCloseable subscribe(String account, Consumer<MailboxEvent> listener) {
        String owner = account.toLowerCase(Locale.ROOT);
        List<Consumer<MailboxEvent>> list = listeners.computeIfAbsent(owner, k -> new CopyOnWriteArrayList<>());
        list.add(listener);
        return () -> list.remove(listener);
    }

    private void publishAfterCommit(SqliteDatabase.WriteTx tx, Mailbox mailbox, MailboxEvent.Kind kind,
                                    List<Long> uids, long modSeq) {
        MailboxEvent event = new MailboxEvent(mailbox.account(), mailbox.id(), kind, uids, modSeq);
        tx.afterCommit(() -> publish(event));
    }

    private void publish(MailboxEvent event) {
        List<Consumer<MailboxEvent>> list = listeners.get(event.account());
        if (list == null) return;
        for (Consumer<MailboxEvent> listener : list) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                log.warn("Mailbox listener failed on {}", event, e);
            }
        }
    }

    private Mailbox insertMailbox(SqliteDatabase.WriteTx tx, String owner, String name) throws SQLException {
        SqlConnection sql = tx.sql();
        long last = sql.queryLong("SELECT value FROM meta WHERE key = 'uidvalidity'").orElse(0L);
        long uidValidity = Math.max(Instant.now().getEpochSecond(), last + 1);
        sql.update("INSERT OR REPLACE INTO meta (key, value) VALUES ('uidvalidity', ?)", uidValidity);
        long id = sql.insert("INSERT INTO mailbox (account, name, uidvalidity, uidnext, highestmodseq)"
                + " VALUES (?, ?, ?, 1, 1)", owner, name, uidValidity);
        return new Mailbox(id, owner, name, uidValidity, 1, 1, 0, 0);
    }

    private static Optional<Mailbox> find(SqlConnection sql, String owner, String name) throws SQLException {
        return sql.queryOne("SELECT " + MAILBOX_COLUMNS + " FROM mailbox WHERE account = ? AND name = ?",
                SqliteMailStore::mailbox, owner, name);
    }

    private static Mailbox byId(SqlConnection sql, long id) throws SQLException, MailStoreException {
        return sql.queryOne("SELECT " + MAILBOX_COLUMNS + " FROM mailbox WHERE id = ?", SqliteMailStore::mailbox, id)
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
