package org.mailroom.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The key of our SRS addresses: {@code sieve.srs_secret} when set, else 32 random octets made at the first start
 * and kept in {@code srs.secret} in the data directory (owner-only), so that bounces to addresses made before a
 * restart are still taken. Several nodes sharing a PostgreSQL database do not share a data directory: they must
 * set {@code sieve.srs_secret} to one value (docs/configuration.md says so).
 */
final class SrsSecret {

    static final String FILE_NAME = "srs.secret";

    private SrsSecret() {}

    static byte[] load(String configured, Path dataDir) throws IOException {
        if (!configured.isEmpty()) return configured.getBytes(StandardCharsets.UTF_8);
        Path file = dataDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Files.createDirectories(dataDir);
            try {
                Files.writeString(file, HexFormat.of().formatHex(key) + "\n", StandardCharsets.US_ASCII,
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException notPosix) {
                    // the data directory's own permissions protect it
                }
            } catch (FileAlreadyExistsException raced) {
                // another process made it first: use theirs
            }
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        try {
            byte[] key = HexFormat.of().parseHex(text);
            if (key.length >= 16) return key;
        } catch (IllegalArgumentException notHex) {
            // fall through
        }
        throw new IOException(file + ": not an SRS key (64 hex digits); delete it to make a new one");
    }
}
