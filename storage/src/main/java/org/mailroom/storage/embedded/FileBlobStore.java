package org.mailroom.storage.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import org.mailroom.core.store.BlobStore;
import org.mailroom.storage.StoreValues;
import org.mailroom.storage.TempFileBlobWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blobs as files: {@code blobs/ab/cd/abcd...} (128 random bits in hex, fanned out over two directory
 * levels so no directory grows huge). A blob is written under {@code blobs/tmp/}, then made durable the
 * way every careful mail store does it: fsync the file, rename it into place atomically, fsync the
 * directory that now names it. A crash leaves either no blob or a complete one, never a torn one.
 */
public final class FileBlobStore implements BlobStore {

    private static final Logger log = LoggerFactory.getLogger(FileBlobStore.class);

    /**
     * Temp files untouched for this long belong to a writer that died. The admin CLI opens the same data
     * directory while the server runs, so "stale" cannot mean "present at open": a live SMTP transfer is
     * writing there, and every write refreshes the file's modification time.
     */
    static final Duration STALE_TEMP_AGE = Duration.ofHours(1);


    private final Path root;
    private final Path tmp;

    /** Opens (creating if needed) the blob directory and removes stale temp files. */
    public FileBlobStore(Path root) throws IOException {
        this.root = root;
        this.tmp = root.resolve("tmp");
        Files.createDirectories(tmp);
        deleteStaleTempFiles(Instant.now().minus(STALE_TEMP_AGE));
    }

    @Override
    public BlobWriter create() throws IOException {
        Path file = tmp.resolve(StoreValues.newBlobId());
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new TempFileBlobWriter(file, channel, this::commit);
    }

    /** Durable when it returns: the file fsynced, renamed into place atomically, its directory fsynced. */
    private String commit(Path tempFile, FileChannel channel, long size) throws IOException {
        String id = tempFile.getFileName().toString();
        channel.force(true);
        channel.close();
        Path dir = ensureParent(id);
        Files.move(tempFile, dir.resolve(id), StandardCopyOption.ATOMIC_MOVE);
        fsyncDirectory(dir);
        return id;
    }

    @Override
    public InputStream open(String id) throws IOException {
        return Files.newInputStream(pathOf(id));
    }

    @Override
    public long size(String id) throws IOException {
        return Files.size(pathOf(id));
    }

    @Override
    public void delete(String id) throws IOException {
        if (!StoreValues.isBlobId(id)) return;
        Files.deleteIfExists(pathOf(id));
    }

    /** Whether the blob exists (for tests and consistency checks). */
    public boolean exists(String id) {
        return StoreValues.isBlobId(id) && Files.exists(pathFor(id));
    }

    private Path pathOf(String id) throws NoSuchFileException {
        // Ids come from the database and from admin commands: never let one walk out of the store.
        if (!StoreValues.isBlobId(id)) throw new NoSuchFileException(String.valueOf(id), null, "not a blob id");
        return pathFor(id);
    }

    private Path pathFor(String id) {
        return root.resolve(id.substring(0, 2)).resolve(id.substring(2, 4)).resolve(id);
    }

    void deleteStaleTempFiles(Instant olderThan) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(tmp)) {
            for (Path file : files) {
                try {
                    if (Files.getLastModifiedTime(file).toInstant().isBefore(olderThan)) {
                        Files.deleteIfExists(file);
                        log.info("Deleted stale temporary blob {}", file.getFileName());
                    }
                } catch (NoSuchFileException e) {
                    // its writer finished meanwhile
                }
            }
        }
    }

    /** Fsyncs a directory so that a rename or a new entry in it survives a crash. */
    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some filesystems (and platforms) cannot fsync a directory; there is nothing better to do then.
            log.debug("Cannot fsync directory {}: {}", dir, e.toString());
        }
    }

    /** Creates the fan-out directory of a blob, fsyncing the parents of any directory created. */
    private Path ensureParent(String id) throws IOException {
        Path first = root.resolve(id.substring(0, 2));
        Path second = first.resolve(id.substring(2, 4));
        if (Files.isDirectory(second)) return second;
        boolean createdFirst = !Files.isDirectory(first);
        Files.createDirectories(second);
        if (createdFirst) fsyncDirectory(root);
        fsyncDirectory(first);
        return second;
    }
}
