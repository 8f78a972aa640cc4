package org.mailroom.storage.embedded;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.mailroom.core.store.BlobStore;
import org.mailroom.storage.StoreValues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded store's blobs, of two kinds under one kind of id (32 hex digits):
 * <ul>
 *   <li><b>small</b> (up to {@code inlineMax} octets, most mail): a row of the {@code blob} table. The writer
 *       keeps the bytes in memory; {@link BlobWriter#commit} only notes them as pending. The first write that
 *       names the blob (a delivery, a queue entry) inserts the row inside its own piece of work
 *       ({@link #storeWith}), so the bytes and the rows naming them commit together: a lone message costs one
 *       WAL fsync, and the writer thread runs one job per message, not two. A blob that nothing names within
 *       {@link #UNNAMED_WAIT} (or by {@link #close}) is written on its own, as an orphan for the sweep.</li>
 *   <li><b>large</b>: a file, as {@link FileBlobStore} has always kept them (durable when commit returns).
 *       A writer starts in memory and moves to a file as soon as it passes {@code inlineMax}.</li>
 * </ul>
 * Reads look in memory (committed, row not yet written), then the table, then the files; data directories
 * from before the table simply have files.
 *
 * <h2>Failure and crash</h2>
 * The row is written in the same transaction as the first rows that name it, so should it fail (disk full),
 * that write fails with it and no message row ever names bytes that are not there. A crash loses only blobs
 * that nothing named yet. A row written on its own (unnamed for a while, or at close) whose insert fails marks
 * the blob lost: later writes naming it fail. {@link #sweepOrphans} removes rows that nothing names once
 * they are old enough that no delivery can still be on its way.
 */
public final class EmbeddedBlobStore implements BlobStore {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedBlobStore.class);

    /** A committed small blob is named by a delivery within one SMTP reply; an hour is far beyond that. */
    static final Duration ORPHAN_AGE = Duration.ofHours(1);

    /** A committed blob is named within one SMTP reply; one left unnamed this long is written alone. */
    static final Duration UNNAMED_WAIT = Duration.ofMinutes(1);

    /**
     * Default for {@code store.inline_blob_max}. Most mail is far smaller. Measured on the 2-core test machine
     * with 32 KiB messages: about 1,000 msg/s as rows against 700 as files, so rows still win well past the
     * usual sizes; above this, the bytes are written twice (WAL, then checkpoint) and held in memory longer.
     */
    public static final int DEFAULT_INLINE_MAX = 64 * 1024;


    private final FileBlobStore files;
    private final SqliteDatabase db;
    private final int inlineMax;
    /** Small blobs committed whose row is not durable yet: readable at once, from here. */
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    /** Pending blobs whose row was handed to the writer alone (unnamed too long, or closing). */
    private final Set<String> writtenAlone = ConcurrentHashMap.newKeySet();
    /** Small blobs whose row failed to commit (rare: disk full, I/O error); writes naming them must fail. */
    private final Set<String> lost = ConcurrentHashMap.newKeySet();

    EmbeddedBlobStore(FileBlobStore files, SqliteDatabase db, int inlineMax) {
        if (inlineMax < 0) throw new IllegalArgumentException("inlineMax < 0");
        this.files = files;
        this.db = db;
        this.inlineMax = inlineMax;
    }

    @Override
    public BlobWriter create() {
        return new SpillingWriter();
    }

    @Override
    public InputStream open(String id) throws IOException {
        Optional<byte[]> bytes = inlineBytes(id);
        if (bytes.isPresent()) return new ByteArrayInputStream(bytes.get());
        return files.open(id);
    }

    @Override
    public long size(String id) throws IOException {
        requireValid(id);
        Pending mine = pending.get(id);
        if (mine != null) return mine.bytes.length;
        Optional<Long> length = db.read(sql -> sql.queryLong("SELECT length(data) FROM blob WHERE id = ?", id));
        if (length.isPresent()) return length.get();
        return files.size(id);
    }

    /** Deletes the row (in its own group commit) and any file of that id. */
    @Override
    public void delete(String id) throws IOException {
        if (!StoreValues.isBlobId(id)) return;
        // Never named and never written: only memory to free (the common case of a message refused at its end).
        Pending mine = pending.get(id);
        if (mine != null && !writtenAlone.contains(id) && pending.remove(id, mine)) return;
        // The row, if its insert is still queued, is written first: the writer keeps submission order.
        db.write(tx -> tx.sql().update("DELETE FROM blob WHERE id = ?", id));
        pending.remove(id);
        files.delete(id);
    }

    /**
     * Inside a write transaction (on the writer thread) that is about to insert a row naming the blob: writes
     * the blob's row in the same transaction if it is a small one not yet in the table, so the bytes are durable
     * exactly when the naming rows are. Fails if the blob is lost (its row failed to commit on its own).
     */
    void storeWith(SqliteDatabase.WriteTx tx, String id) throws IOException {
        if (lost.contains(id)) throw new IOException("blob " + id + " was not stored");
        Pending mine = pending.get(id);
        if (mine == null) return; // a file, or a row already committed
        try {
            // OR IGNORE: an earlier job of this batch may have written it already.
            tx.sql().update("INSERT OR IGNORE INTO blob (id, created, data) VALUES (?, ?, ?)", id, mine.created,
                    mine.bytes);
        } catch (SQLException e) {
            throw new IOException("blob " + id + " was not stored: " + e.getMessage(), e);
        }
        // Runs on the writer thread after the commit, before the caller is answered: then the row is there.
        tx.afterCommit(() -> pending.remove(id, mine));
    }

    /**
     * Deletes rows of small blobs that no message or queue entry names and that are older than
     * {@link #ORPHAN_AGE}. Each run looks only at blobs created since the previous run's limit (kept in
     * {@code meta}), so it costs little however many blobs there are; the admin CLI may run it while the server
     * runs, which is why it waits for blobs to be old rather than for them to be present at start.
     */
    int sweepOrphans(long nowMillis) throws IOException {
        long until = nowMillis - ORPHAN_AGE.toMillis();
        int removed = db.write(tx -> {
            SqlConnection sql = tx.sql();
            long from = sql.queryLong("SELECT value FROM meta WHERE key = 'blob_sweep_until'").orElse(0L);
            if (until <= from) return 0;
            int n = sql.update("DELETE FROM blob WHERE created >= ? AND created < ?"
                    + " AND NOT EXISTS (SELECT 1 FROM message WHERE blob_id = blob.id)"
                    + " AND NOT EXISTS (SELECT 1 FROM queue WHERE blob_id = blob.id)", from, until);
            sql.update("INSERT OR REPLACE INTO meta (key, value) VALUES ('blob_sweep_until', ?)", until);
            return n;
        });
        if (removed > 0) log.info("Deleted {} stored message(s) that no mailbox or queue entry named", removed);
        return removed;
    }

    /** Whether the blob is kept in the database (for tests). */
    boolean isInline(String id) throws IOException {
        return pending.containsKey(id)
                || db.read(sql -> sql.exists("SELECT 1 FROM blob WHERE id = ?", id));
    }

    private Optional<byte[]> inlineBytes(String id) throws IOException {
        requireValid(id);
        Pending mine = pending.get(id);
        if (mine != null) return Optional.of(mine.bytes);
        return db.read(sql -> sql.queryOne("SELECT data FROM blob WHERE id = ?", rs -> rs.getBytes(1), id));
    }

    private static void requireValid(String id) throws NoSuchFileException {
        // Ids come from the database and from admin commands: never let one name anything else.
        if (!StoreValues.isBlobId(id)) throw new NoSuchFileException(String.valueOf(id), null, "not a blob id");
    }

    /** Notes a small blob as pending: its row goes in with the first write that names it ({@link #storeWith}). */
    private String commitInline(byte[] bytes) throws IOException {
        String id = newRowId();
        long now = System.currentTimeMillis();
        pending.put(id, new Pending(bytes, now));
        writeUnnamed(now - UNNAMED_WAIT.toMillis());
        return id;
    }

    /**
     * Hands the rows of pending blobs created before the limit to the writer, each as its own work: nothing
     * named them in time (a session that died after the commit), so they must not stay in memory for ever.
     */
    private void writeUnnamed(long createdBefore) throws IOException {
        for (Map.Entry<String, Pending> entry : pending.entrySet()) {
            String id = entry.getKey();
            Pending mine = entry.getValue();
            if (mine.created >= createdBefore || !writtenAlone.add(id)) continue;
            db.submit(tx -> tx.sql().update("INSERT OR IGNORE INTO blob (id, created, data) VALUES (?, ?, ?)", id,
                            mine.created, mine.bytes))
                    // Runs on the writer thread once the batch is over, before the next batch starts.
                    .whenComplete((rows, failure) -> {
                        if (failure != null) {
                            lost.add(id);
                            log.error("Cannot store message {}: {}", id, failure.toString());
                        }
                        pending.remove(id, mine);
                        writtenAlone.remove(id);
                    });
        }
    }

    /** Writes every blob still pending (called before the database closes): a committed blob outlives a restart. */
    void close() throws IOException {
        writeUnnamed(Long.MAX_VALUE);
    }

    /** Small blobs get time-ordered ids (rows), files wholly random ones, which their directory fan-out needs. */
    static String newRowId() {
        return StoreValues.newTimeOrderedBlobId(System.currentTimeMillis());
    }

    /** A small blob committed whose row is not yet durable. */
    private record Pending(byte[] bytes, long created) {
    }

    /** Collects up to {@code inlineMax} octets in memory; past that, goes on in a blob file. */
    private final class SpillingWriter implements BlobWriter {
        private enum State { WRITING, COMMITTED, CLOSED }

        private byte[] buffer = new byte[Math.min(inlineMax, 8192)];
        private int length;
        private BlobWriter file;
        private State state = State.WRITING;

        @Override
        public void write(ByteBuffer bytes) throws IOException {
            if (state != State.WRITING) throw new IllegalStateException("blob writer is " + state);
            if (file == null && (long) length + bytes.remaining() > inlineMax) {
                file = files.create();
                file.write(ByteBuffer.wrap(buffer, 0, length));
                buffer = null;
            }
            if (file != null) {
                file.write(bytes);
                return;
            }
            int n = bytes.remaining();
            if (length + n > buffer.length) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(inlineMax, Math.max(buffer.length * 2L, length + n)));
            }
            bytes.get(buffer, length, n);
            length += n;
        }

        @Override
        public long size() {
            return file != null ? file.size() : length;
        }

        @Override
        public InputStream written() throws IOException {
            if (state != State.WRITING) throw new IllegalStateException("blob writer is " + state);
            return file != null ? file.written() : new ByteArrayInputStream(buffer, 0, length);
        }

        @Override
        public String commit() throws IOException {
            if (state != State.WRITING) throw new IllegalStateException("blob writer is " + state);
            String id = file != null ? file.commit() : commitInline(Arrays.copyOf(buffer, length));
            state = State.COMMITTED;
            buffer = null;
            return id;
        }

        @Override
        public void close() throws IOException {
            if (state == State.WRITING) {
                state = State.CLOSED;
                buffer = null;
                if (file != null) file.close();
            }
        }
    }
}
