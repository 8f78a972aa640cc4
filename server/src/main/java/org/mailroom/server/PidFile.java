package org.mailroom.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code mailroom.pid} in the data directory: the process id of the server running on it, written once it
 * listens and removed when it stops, so that {@code mailroom reload} knows whom to send SIGHUP. A file left by a
 * server killed with SIGKILL names a process that is gone (or another one): readers check that it is alive and
 * is a Java process before they signal it.
 */
final class PidFile {

    static final String FILE_NAME = "mailroom.pid";

    private static final Logger log = LoggerFactory.getLogger(PidFile.class);

    private final Path file;
    private final long pid;

    private PidFile(Path file, long pid) {
        this.file = file;
        this.pid = pid;
    }

    /** Writes this process's id; a failure is logged, not fatal (only {@code mailroom reload} needs the file). */
    static PidFile write(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        long pid = ProcessHandle.current().pid();
        try {
            Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
            Files.writeString(tmp, pid + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("cannot write {}: {}; 'mailroom reload' will not find this server (kill -HUP {} works)",
                    file, e.toString(), pid);
        }
        return new PidFile(file, pid);
    }

    /** Removes the file if it still names this process (another server may have started on the directory since). */
    void remove() {
        if (read(file.getParent()).orElse(-1L) != pid) return;
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the next start overwrites it; reload checks that the process is alive
        }
    }

    /** The pid written in the data directory, if the file is there and holds a number. */
    static Optional<Long> read(Path dataDir) {
        try {
            return Optional.of(Long.parseLong(Files.readString(dataDir.resolve(FILE_NAME), StandardCharsets.US_ASCII).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
