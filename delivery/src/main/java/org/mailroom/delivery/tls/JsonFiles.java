package org.mailroom.delivery.tls;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Small state files in the data directory (the MTA-STS policy cache, the TLS-RPT counts): JSON, replaced
 * whole by a synced temporary file and a rename, so a crash leaves the old file or the new one, never half.
 */
final class JsonFiles {

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private JsonFiles() {}

    /** The file's value, or null when there is no file. */
    static <T> T read(Path file, Class<T> type) throws IOException {
        if (!Files.exists(file)) return null;
        try {
            return MAPPER.readValue(file.toFile(), type);
        } catch (JacksonException e) {
            throw new IOException(file + ": not readable JSON: " + e.getOriginalMessage(), e);
        }
    }

    static void write(Path file, Object value) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        byte[] bytes;
        try {
            bytes = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
        } catch (JacksonException e) {
            throw new IOException("cannot write " + file + ": " + e.getOriginalMessage(), e);
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(java.nio.ByteBuffer.wrap(bytes));
            out.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
