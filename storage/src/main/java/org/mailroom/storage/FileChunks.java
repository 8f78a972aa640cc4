package org.mailroom.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Writing a message's bytes to a file without borrowing its whole size in direct memory. */
public final class FileChunks {

    private static final int CHUNK = 64 * 1024;

    private FileChunks() {
    }

    /**
     * Writes all of {@code bytes}, at most 64 KiB per call: for a heap buffer the JDK copies each write into a
     * temporary direct buffer of that size and keeps it cached per thread, so one 30 MiB write would take (and
     * keep) 30 MiB of direct memory, which is bounded by the heap limit.
     *
     * @return the number of bytes written
     */
    public static long write(FileChannel channel, ByteBuffer bytes) throws IOException {
        long total = 0;
        while (bytes.hasRemaining()) {
            int n = Math.min(bytes.remaining(), CHUNK);
            int written = channel.write(bytes.slice(bytes.position(), n));
            bytes.position(bytes.position() + written);
            total += written;
        }
        return total;
    }
}
