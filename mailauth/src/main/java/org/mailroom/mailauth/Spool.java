package org.mailroom.mailauth;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The rest of a message kept so it can be read again (DKIM and ARC each read it once): in memory up to a
 * threshold, past it in a temporary file, so a 35 MiB message costs 1 MiB of heap. Closing deletes the file.
 */
final class Spool implements MessageSource, AutoCloseable {

    static final int IN_MEMORY = 1 << 20;

    private final byte[] head;
    private final byte[] memory;
    private final Path file;

    private Spool(byte[] head, byte[] memory, Path file) {
        this.head = head;
        this.memory = memory;
        this.file = file;
    }

    /** Copies {@code rest} after {@code head} (bytes already read from the same message). */
    static Spool of(byte[] head, InputStream rest) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(8192);
        byte[] chunk = new byte[8192];
        int n;
        while ((n = rest.read(chunk)) > 0) {
            buf.write(chunk, 0, n);
            if (buf.size() > IN_MEMORY) {
                Path file = Files.createTempFile("mailroom-auth-", ".eml");
                try (OutputStream out = Files.newOutputStream(file)) {
                    buf.writeTo(out);
                    rest.transferTo(out);
                } catch (IOException | RuntimeException e) {
                    Files.deleteIfExists(file);
                    throw e;
                }
                return new Spool(head, null, file);
            }
        }
        return new Spool(head, buf.toByteArray(), null);
    }

    @Override
    public InputStream open() throws IOException {
        InputStream body = memory != null ? new ByteArrayInputStream(memory) : Files.newInputStream(file);
        return new java.io.SequenceInputStream(new ByteArrayInputStream(head), body);
    }

    @Override
    public void close() throws IOException {
        if (file != null) Files.deleteIfExists(file);
    }
}
