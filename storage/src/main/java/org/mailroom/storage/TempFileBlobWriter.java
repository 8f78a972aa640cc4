package org.mailroom.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mailroom.core.store.BlobStore.BlobWriter;

/**
 * A blob being received into a temporary file, then committed where its store keeps it: renamed into the blob
 * directory ({@code FileBlobStore}) or copied into the database ({@code PgBlobStore}). Whatever is not committed
 * is deleted: at {@link #close}, and when the commit fails (the caller answers 451 and the client sends the
 * bytes again).
 */
public final class TempFileBlobWriter implements BlobWriter {

    /** Puts the written file where the store keeps its blobs and returns the blob's id. */
    public interface Commit {
        String commit(Path file, FileChannel channel, long size) throws IOException;
    }

    private enum State { WRITING, COMMITTED, CLOSED }

    private final Path file;
    private final FileChannel channel;
    private final Commit commit;
    private long size;
    private State state = State.WRITING;

    public TempFileBlobWriter(Path file, FileChannel channel, Commit commit) {
        this.file = file;
        this.channel = channel;
        this.commit = commit;
    }

    @Override
    public void write(ByteBuffer bytes) throws IOException {
        requireWriting();
        size += FileChunks.write(channel, bytes);
    }

    @Override
    public long size() {
        return size;
    }

    /** The file as written so far (the page cache has it: no sync needed to read it back). */
    @Override
    public InputStream written() throws IOException {
        requireWriting();
        return Files.newInputStream(file);
    }

    @Override
    public String commit() throws IOException {
        requireWriting();
        boolean committed = false;
        try {
            String id = commit.commit(file, channel, size);
            committed = true;
            return id;
        } finally {
            if (committed) state = State.COMMITTED;
            else close();
        }
    }

    @Override
    public void close() throws IOException {
        if (state == State.WRITING) {
            state = State.CLOSED;
            channel.close();
            Files.deleteIfExists(file);
        }
    }

    private void requireWriting() {
        if (state != State.WRITING) throw new IllegalStateException("blob writer is " + state);
    }
}
