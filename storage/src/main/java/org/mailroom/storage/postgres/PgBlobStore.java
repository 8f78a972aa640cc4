package org.mailroom.storage.postgres;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Optional;
import org.mailroom.core.store.BlobStore;
import org.mailroom.storage.StoreValues;
import org.mailroom.storage.TempFileBlobWriter;

/**
 * Message bytes in PostgreSQL, one {@code bytea} row per blob, so every node reads every message and the
 * database's own replication protects them.
 *
 * <p>A writer streams into a temporary file (the message is never held whole in the heap while it arrives);
 * {@link BlobWriter#commit} sends it in one INSERT, durable when the commit returns. Reading loads the value
 * whole (pgjdbc materialises a bytea), which is fine for mail-sized values; messages are at most
 * {@code limits.message_size}.
 *
 * <p>Nothing in the mail tables refers to this table by foreign key: an object-storage implementation of
 * {@link BlobStore} can take its place later. Unreferenced blobs are removed by the mail store and the queue in
 * the transaction that drops the last reference ({@link #deleteIfUnreferenced}).
 */
public final class PgBlobStore implements BlobStore {

    private final PgDatabase db;
    private final Path tmp;

    PgBlobStore(PgDatabase db, Path tmp) {
        this.db = db;
        this.tmp = tmp;
    }

    @Override
    public BlobWriter create() throws IOException {
        Files.createDirectories(tmp);
        Path file = Files.createTempFile(tmp, "blob-", ".tmp");
        return new TempFileBlobWriter(file, FileChannel.open(file, StandardOpenOption.WRITE), this::commit);
    }

    /** The bytes go into the table in one transaction; the temporary file goes once they are there. */
    private String commit(Path file, FileChannel channel, long size) throws IOException {
        String id = StoreValues.newBlobId();
        channel.close();
        db.write(sql -> {
            try (InputStream in = Files.newInputStream(file);
                 PreparedStatement insert = sql.connection().prepareStatement(
                         "INSERT INTO blob (id, size, content, created) VALUES (?, ?, ?, ?)")) {
                insert.setString(1, id);
                insert.setLong(2, size);
                insert.setBinaryStream(3, in, size);
                insert.setLong(4, System.currentTimeMillis());
                return insert.executeUpdate();
            }
        });
        Files.deleteIfExists(file);
        return id;
    }

    @Override
    public InputStream open(String id) throws IOException {
        if (!StoreValues.isBlobId(id)) throw new NoSuchFileException(String.valueOf(id), null, "not a blob id");
        Optional<byte[]> content = db.read(sql -> sql.queryOne("SELECT content FROM blob WHERE id = ?",
                rs -> rs.getBytes(1), id));
        return new ByteArrayInputStream(content.orElseThrow(() -> new NoSuchFileException(id)));
    }

    @Override
    public long size(String id) throws IOException {
        if (!StoreValues.isBlobId(id)) throw new NoSuchFileException(String.valueOf(id), null, "not a blob id");
        return db.read(sql -> sql.queryLong("SELECT size FROM blob WHERE id = ?", id))
                .orElseThrow(() -> new NoSuchFileException(id));
    }

    @Override
    public void delete(String id) throws IOException {
        if (!StoreValues.isBlobId(id)) return;
        db.write(sql -> sql.update("DELETE FROM blob WHERE id = ?", id));
    }

    /** Deletes the blob inside the caller's transaction if no message and no queue entry names it any more. */
    static void deleteIfUnreferenced(PgSql sql, String blobId) throws SQLException {
        int deleted = sql.update("DELETE FROM blob WHERE id = ? AND NOT EXISTS (SELECT 1 FROM message WHERE blob_id = ?)"
                + " AND NOT EXISTS (SELECT 1 FROM queue WHERE blob_id = ?)", blobId, blobId, blobId);
        if (deleted > 0) sql.update("DELETE FROM blob_structure WHERE blob_id = ?", blobId);
    }

    /** Temporary files of writers still open (for tests). */
    long temporaryFiles() throws IOException {
        if (!Files.isDirectory(tmp)) return 0;
        try (var files = Files.list(tmp)) {
            return files.filter(f -> f.getFileName().toString().startsWith("blob-")).count();
        }
    }
}
