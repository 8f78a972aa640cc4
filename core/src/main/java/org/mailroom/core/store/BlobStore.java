package org.mailroom.core.store;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Message bytes, written once and then read many times, named by an opaque id. One blob serves every
 * recipient of a message: mailboxes and the queue hold references, not copies.
 *
 * <p>Example: {@code try (BlobWriter w = blobs.create()) { w.write(chunk); ...; String id = w.commit(); }}
 * streams a message from the socket without holding it in memory; closing a writer that was not
 * committed throws the partial bytes away.
 */
public interface BlobStore {

    /** Starts a new blob. */
    BlobWriter create() throws IOException;

    /** Opens a committed blob for reading. @throws java.nio.file.NoSuchFileException if there is none */
    InputStream open(String id) throws IOException;

    /** The size in octets of a committed blob. */
    long size(String id) throws IOException;

    /** Removes a blob; a missing blob is not an error. Callers delete only blobs nothing refers to. */
    void delete(String id) throws IOException;

    /** A blob being written. Not thread-safe: one writer, one thread at a time. */
    interface BlobWriter extends Closeable {

        /** Appends the buffer's remaining bytes. */
        void write(ByteBuffer bytes) throws IOException;

        default void write(byte[] bytes) throws IOException {
            write(ByteBuffer.wrap(bytes));
        }

        /** Octets written so far. */
        long size();

        /**
         * Reads back what was written so far, before (or instead of) committing, without copying it to another
         * blob: for a look at a whole message before deciding whether and how to keep it (the inbound checks
         * read the client's bytes, then write the copy to store and close this writer). The stream is valid
         * until the next write, commit or close; the writer stays open.
         *
         * @throws UnsupportedOperationException if this store cannot (then commit, {@link #open}, delete)
         */
        default InputStream written() throws IOException {
            throw new UnsupportedOperationException("this blob store cannot read a blob before its commit");
        }

        /**
         * Finishes the blob and returns its id; it can be read under that id from now on. The blob is durable
         * (on stable storage, surviving a crash or power loss) no later than the first write of the same
         * storage that names it ({@code MailStore.deliver}, {@code MailQueue.enqueue}...) and that returns
         * after this does: a store may write a small blob in the same commit as the rows that name it, so
         * a message costs one durable commit, not two. Nothing can be read under the id before this returns.
         */
        String commit() throws IOException;

        /** Discards the blob unless it was committed. */
        @Override
        void close() throws IOException;
    }
}
