package org.mailroom.storage.embedded;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.mailroom.core.store.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQLite database file shared by the mail store, directory and queue, with its one writer.
 *
 * <h2>Group commit</h2>
 * SQLite allows one writer at a time, and a durable commit costs an fsync (about 0.3 ms here). So every
 * write is a {@link Work} handed to a single writer thread, and the caller waits for its result. The
 * writer takes <em>all</em> pending work at once, runs it in one transaction, commits once and only then
 * answers every caller: ten concurrent deliveries share one fsync, and none waits longer than one cycle.
 *
 * <p>Each piece of work runs inside its own SAVEPOINT, so one that fails (a duplicate mailbox, a bad
 * target) is rolled back alone and its caller gets the exception, while the others of the batch commit.
 * Should the transaction itself break (disk full, I/O error), each piece is retried alone so that one
 * bad apple cannot fail its neighbours.
 *
 * <h2>Flag changes commit without their own fsync</h2>
 * {@link #writeUnsynced} is for writes whose loss in a power cut is tolerable: IMAP flag changes (STORE,
 * \Seen set by FETCH). A batch holding only such work commits with {@code synchronous = NORMAL}: the
 * transaction is in the WAL (every reader sees it, and a process crash loses nothing) but the WAL is not
 * fsynced for it. The next batch with any other work commits with {@code synchronous = FULL}, whose fsync of
 * the WAL covers every frame before it, so the flag change is durable at the next full commit (or at the
 * next checkpoint). What a power cut can lose: the flag changes since the last full commit, which then read
 * as they were before, with the mailbox's HIGHESTMODSEQ back where it was; the database stays consistent (WAL
 * with NORMAL is crash-safe). Dovecot makes the same trade: it never fsyncs its index for flag changes
 * ({@code mail_fsync = optimized}). A message is never written this way: mail and every other write wait for
 * an fsync, as before.
 *
 * <p>After the commit, on the writer thread and before the callers are answered, the work's
 * {@linkplain WriteTx#afterCommit after-commit actions} run (publishing events, which listeners must
 * therefore handle quickly), and blob files no row refers to any more are deleted (a blob kept in the
 * database goes inside the transaction, with the last row that named it).
 *
 * <h2>Readers</h2>
 * Reads use their own connections from a small pool; in WAL mode they see the last commit and never
 * wait for the writer. Each read runs in one read transaction, so it sees one consistent state.
 *
 * <h2>Other processes</h2>
 * The admin CLI opens the same file with its own writer. SQLite's file lock serialises the two
 * ({@code BEGIN IMMEDIATE} waits up to {@code busy_timeout}), and readers query afresh every time, so
 * changes made there are seen here at once.
 */
final class SqliteDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SqliteDatabase.class);

    /** Enough to amortise one fsync well; bounded so one batch never holds the write lock for long. */
    private static final int MAX_BATCH = 512;
    private static final int MAX_IDLE_READERS = 8;
    private static final int BUSY_TIMEOUT_MILLIS = 10_000;

    /** A piece of write work, run on the writer thread inside the batch transaction. */
    interface Work<T> {
        T run(WriteTx tx) throws SQLException, IOException;
    }

    /** A read, run on a pooled read-only connection inside one read transaction. */
    interface Query<T> {
        T run(SqlConnection sql) throws SQLException, IOException;
    }

    /** What a piece of work sees: the writer connection, and what to do once the batch is durable. */
    static final class WriteTx {
        private final SqlConnection sql;
        private final List<Runnable> afterCommit = new ArrayList<>();
        private final Set<String> releasedBlobs = new LinkedHashSet<>();

        WriteTx(SqlConnection sql) {
            this.sql = sql;
        }

        SqlConnection sql() {
            return sql;
        }

        /** Runs the action after the commit, only if this work committed. */
        void afterCommit(Runnable action) {
            afterCommit.add(action);
        }

        /**
         * Notes that a row naming this blob was removed. At the end of the batch (so that work later in the
         * same batch may still take a new reference) the blob is deleted if no message or queue row names it.
         */
        void releaseBlob(String blobId) {
            releasedBlobs.add(blobId);
        }
    }

    private static final class Job<T> {
        final Work<T> work;
        /** {@link #writeUnsynced}: may commit without an fsync of its own. */
        final boolean unsynced;
        final CompletableFuture<T> future = new CompletableFuture<>();
        T result;
        Throwable failure;
        WriteTx tx;

        Job(Work<T> work) {
            this(work, false);
        }

        Job(Work<T> work, boolean unsynced) {
            this.work = work;
            this.unsynced = unsynced;
        }

        void complete() {
            if (failure == null) future.complete(result);
            else future.completeExceptionally(failure);
        }
    }

    /** Put last on the queue by {@link #close}: the writer stops when it gets there. */
    private static final Job<Void> STOP = new Job<>(tx -> null);

    private final String url;
    private final BlobStore blobs;
    private final SqlConnection writer;
    private final Thread writerThread;
    private final LinkedBlockingQueue<Job<?>> jobs = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedDeque<SqlConnection> idleReaders = new ConcurrentLinkedDeque<>();
    private final Object submitLock = new Object();
    private final AtomicLong commits = new AtomicLong();
    private boolean closed; // guarded by submitLock
    private volatile boolean readersClosed;
    /** The writer connection's {@code synchronous} setting now: FULL, or NORMAL for an unsynced batch. */
    private boolean writerSynchronousFull = true; // writer thread only

    private SqliteDatabase(Path file, BlobStore blobs) throws SQLException {
        this.url = "jdbc:sqlite:" + file.toAbsolutePath();
        this.blobs = blobs;
        this.writer = connect(false);
        try {
            // WAL: readers do not block the writer nor it them; the mode is stored in the file.
            writer.execute("PRAGMA journal_mode = WAL");
            Schema.migrate(writer);
        } catch (SQLException e) {
            writer.close();
            throw e;
        }
        this.writerThread = new Thread(this::writerLoop, "sqlite-writer " + file.getFileName());
        writerThread.setDaemon(true);
        writerThread.start();
    }

    /** Opens (creating and migrating) the database and starts its writer thread. */
    static SqliteDatabase open(Path file, BlobStore blobs) throws IOException {
        try {
            return new SqliteDatabase(file, blobs);
        } catch (SQLException e) {
            throw new IOException("cannot open database " + file + ": " + e.getMessage(), e);
        }
    }

    private SqlConnection connect(boolean readOnly) throws SQLException {
        Properties options = new Properties();
        // Off: otherwise the driver matches every statement against a regex and, after each INSERT, prepares
        // and runs its own "SELECT last_insert_rowid()" (several per delivery on the one writer thread); we
        // ask for the rowid ourselves where we need it (SqlConnection.insert).
        options.setProperty("jdbc.get_generated_keys", "false");
        SqlConnection sql = new SqlConnection(DriverManager.getConnection(url, options));
        try {
            sql.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
            // FULL: in WAL mode the log is fsynced at every commit, so a committed batch survives power loss.
            sql.execute("PRAGMA synchronous = FULL");
            sql.execute("PRAGMA foreign_keys = ON");
            // Sorts and temp tables in memory: nothing is written to a system temp directory (may be noexec).
            sql.execute("PRAGMA temp_store = MEMORY");
            if (readOnly) sql.execute("PRAGMA query_only = ON");
        } catch (SQLException e) {
            sql.close();
            throw e;
        }
        return sql;
    }

    /**
     * Runs the work in the next batch and returns its result once the batch is durable. Waits for at most
     * one commit cycle; an interrupt is remembered but does not abandon the wait, because the work may
     * commit regardless and the caller must know.
     */
    <T> T write(Work<T> work) throws IOException {
        return await(new Job<>(work));
    }

    /**
     * Like {@link #write}, but the batch commits without an fsync when every piece of work in it is unsynced
     * too (see "Flag changes commit without their own fsync" above): the result comes back once the work is
     * committed and visible to every reader, durable at the next full commit. Never for a message.
     */
    <T> T writeUnsynced(Work<T> work) throws IOException {
        return await(new Job<>(work, true));
    }

    private <T> T await(Job<T> job) throws IOException {
        if (Thread.currentThread() == writerThread) throw new IllegalStateException("write() from the writer");
        synchronized (submitLock) {
            if (closed) throw new IOException("storage is closed");
            jobs.add(job);
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return job.future.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw rethrow(e.getCause());
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /**
     * Queues the work for the next batch and returns at once; the future completes when the batch is
     * durable. The writer runs work in the order it was submitted, so any work submitted after this returns
     * commits in the same batch or a later one: once that later work is durable, so is this.
     */
    <T> CompletableFuture<T> submit(Work<T> work) throws IOException {
        if (Thread.currentThread() == writerThread) throw new IllegalStateException("submit() from the writer");
        Job<T> job = new Job<>(work);
        synchronized (submitLock) {
            if (closed) throw new IOException("storage is closed");
            jobs.add(job);
        }
        return job.future;
    }

    /**
     * Queues the work for the next batch without waiting for its commit; a failure is logged. Only for
     * writes whose loss costs nothing but redoing them (a cache such as a parsed structure): a reader that
     * fills a cache must not wait an fsync per row.
     */
    void writeLater(Work<?> work) {
        Job<?> job = new Job<>(work);
        job.future.whenComplete((result, failure) -> {
            if (failure != null) log.warn("Deferred write failed: {}", failure.toString());
        });
        synchronized (submitLock) {
            if (closed) return;
            jobs.add(job);
        }
    }

    /** Runs a read on a pooled connection, in one read transaction. */
    <T> T read(Query<T> query) throws IOException {
        if (readersClosed) throw new IOException("storage is closed");
        SqlConnection sql = idleReaders.poll();
        boolean reusable = false;
        try {
            if (sql == null) sql = connect(true);
            sql.execute("BEGIN");
            try {
                T result = query.run(sql);
                reusable = true;
                return result;
            } finally {
                sql.execute("COMMIT");
            }
        } catch (SQLException e) {
            throw new IOException(e.getMessage(), e);
        } finally {
            if (sql != null) {
                if (reusable && !readersClosed && idleReaders.size() < MAX_IDLE_READERS) idleReaders.push(sql);
                else sql.close();
            }
        }
    }

    /** Work submitted and not yet taken by the writer (for tests and metrics). */
    int queuedWrites() {
        return jobs.size();
    }

    /** How many batches were committed (for tests and metrics). */
    long commits() {
        return commits.get();
    }

    private static IOException rethrow(Throwable cause) {
        if (cause instanceof IOException) return (IOException) cause;
        if (cause instanceof SQLException) return new IOException(cause.getMessage(), cause);
        if (cause instanceof RuntimeException) throw (RuntimeException) cause;
        if (cause instanceof Error) throw (Error) cause;
        return new IOException(cause);
    }

    private void writerLoop() {
        List<Job<?>> batch = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            try {
                batch.add(jobs.take());
            } catch (InterruptedException e) {
                continue; // nobody interrupts this thread; keep draining
            }
            jobs.drainTo(batch, MAX_BATCH - 1);
            stop = batch.remove(STOP);
            if (!batch.isEmpty()) runBatch(batch);
            batch.clear();
        }
    }

    private void runBatch(List<Job<?>> batch) {
        Set<String> unreferenced;
        try {
            setSynchronousFull(!batch.stream().allMatch(job -> job.unsynced));
            writer.execute("BEGIN IMMEDIATE");
            for (Job<?> job : batch) runInSavepoint(job);
            unreferenced = unreferencedBlobs(batch);
            writer.execute("COMMIT");
            commits.incrementAndGet();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            if (batch.size() == 1) {
                Job<?> job = batch.get(0);
                log.error("Write transaction failed", e);
                job.failure = e;
                job.complete();
            } else {
                log.warn("Batch of {} failed ({}); retrying each alone", batch.size(), e.toString());
                for (Job<?> job : batch) runBatch(List.of(job));
            }
            return;
        }
        for (Job<?> job : batch) {
            if (job.failure != null) continue;
            for (Runnable action : job.tx.afterCommit) {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    log.warn("After-commit action failed", e);
                }
            }
        }
        for (String blobId : unreferenced) {
            try {
                blobs.delete(blobId);
            } catch (IOException e) {
                // A leaked file wastes space but loses nothing.
                log.warn("Cannot delete unreferenced blob {}: {}", blobId, e.toString());
            }
        }
        for (Job<?> job : batch) job.complete();
    }

    /**
     * {@code synchronous} is per connection and takes effect at the next commit; changed only when it differs
     * (outside a transaction), so a run of ordinary batches costs no extra statement.
     */
    private void setSynchronousFull(boolean full) throws SQLException {
        if (full == writerSynchronousFull) return;
        writer.execute(full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
        writerSynchronousFull = full;
    }

    private <T> void runInSavepoint(Job<T> job) throws SQLException {
        WriteTx tx = new WriteTx(writer);
        job.tx = tx;
        job.result = null;
        job.failure = null;
        writer.execute("SAVEPOINT job");
        try {
            job.result = job.work.run(tx);
        } catch (Throwable e) {
            job.failure = e;
            // If the savepoint is gone (SQLite rolled the whole transaction back), this throws and the
            // batch is retried job by job.
            writer.execute("ROLLBACK TO job");
        }
        writer.execute("RELEASE job");
    }

    private Set<String> unreferencedBlobs(List<Job<?>> batch) throws SQLException {
        Set<String> unreferenced = new LinkedHashSet<>();
        for (Job<?> job : batch) {
            if (job.failure != null) continue;
            for (String blobId : job.tx.releasedBlobs) {
                boolean used = writer.exists("SELECT 1 FROM message WHERE blob_id = ?", blobId)
                        || writer.exists("SELECT 1 FROM queue WHERE blob_id = ?", blobId);
                if (!used) {
                    writer.update("DELETE FROM blob_structure WHERE blob_id = ?", blobId);
                    // A blob kept in the database goes with this transaction; only a file is left to delete.
                    boolean inline = writer.update("DELETE FROM blob WHERE id = ?", blobId) > 0;
                    if (!inline) unreferenced.add(blobId);
                }
            }
        }
        return unreferenced;
    }

    private void rollbackQuietly() {
        try {
            writer.execute("ROLLBACK");
        } catch (SQLException e) {
            // no transaction was open
        }
    }

    /** Finishes the work already submitted, then stops the writer and closes every connection. */
    @Override
    public void close() {
        synchronized (submitLock) {
            if (closed) return;
            closed = true;
            jobs.add(STOP);
        }
        boolean interrupted = false;
        while (writerThread.isAlive()) {
            try {
                writerThread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        writer.close();
        readersClosed = true;
        SqlConnection sql;
        while ((sql = idleReaders.poll()) != null) sql.close();
    }
}
