package org.mailroom.server.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * How the command line finds the running server: two files in the data directory, written by the server once its
 * admin listener is bound and removed when it stops.
 *
 * <pre>
 *   admin.endpoint      the admin API's base URL (http://127.0.0.1:8080); for HTTPS, a second line
 *                       "sha256 HEX": the server certificate's fingerprint, which the command line pins
 *   admin.local-token   a bearer token made at each start (mode 0600): the API accepts it like a stored token,
 *                       but it is never in the directory, so it dies with the process
 * </pre>
 *
 * Whoever can read the data directory can read the accounts database anyway, so the token gives nothing more than
 * the files already do; it only lets the command line ask the server instead of writing beside it. A server killed
 * with SIGKILL leaves the files behind: the command line then finds nobody answering and works directly
 * ({@link RemoteAdmin#find}); the next start overwrites them.
 */
public final class AdminEndpoint {

    static final String ENDPOINT_FILE = "admin.endpoint";
    static final String TOKEN_FILE = "admin.local-token";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What the files say. @param fingerprint the pinned certificate's SHA-256 in hex, or null for plain HTTP */
    public record Published(String url, String token, String fingerprint) {}

    private final Path dataDir;
    private final String token;

    private AdminEndpoint(Path dataDir, String token) {
        this.dataDir = dataDir;
        this.token = token;
    }

    /** A new local token for the server about to start in {@code dataDir}; nothing is written yet. */
    public static AdminEndpoint create(Path dataDir) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return new AdminEndpoint(dataDir, "mrl_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }

    public String token() {
        return token;
    }

    /** Writes both files (the token first, so an endpoint file is never seen without its token). */
    public void publish(String url, String fingerprint) throws IOException {
        Files.createDirectories(dataDir);
        writePrivate(dataDir.resolve(TOKEN_FILE), token + "\n");
        writePrivate(dataDir.resolve(ENDPOINT_FILE), url + "\n" + (fingerprint == null ? "" : "sha256 " + fingerprint + "\n"));
    }

    /** Removes the files if they are still ours (another server may have started on the directory since). */
    public void withdraw() {
        try {
            Optional<Published> now = read(dataDir);
            if (now.isPresent() && !now.get().token().equals(token)) return;
            Files.deleteIfExists(dataDir.resolve(ENDPOINT_FILE));
            Files.deleteIfExists(dataDir.resolve(TOKEN_FILE));
        } catch (IOException e) {
            // Left behind, the files are only a stale pointer that the command line checks before use.
        }
    }

    /** What a server published in {@code dataDir}, if the files are there and readable. */
    public static Optional<Published> read(Path dataDir) throws IOException {
        Path endpoint = dataDir.resolve(ENDPOINT_FILE);
        Path tokenFile = dataDir.resolve(TOKEN_FILE);
        if (!Files.isRegularFile(endpoint) || !Files.isRegularFile(tokenFile)) return Optional.empty();
        List<String> lines = Files.readAllLines(endpoint, StandardCharsets.UTF_8);
        String token = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
        if (lines.isEmpty() || lines.get(0).isBlank() || token.isEmpty()) return Optional.empty();
        String fingerprint = null;
        for (String line : lines.subList(1, lines.size())) {
            if (line.startsWith("sha256 ")) fingerprint = line.substring(7).trim();
        }
        return Optional.of(new Published(lines.get(0).trim(), token, fingerprint));
    }

    /** Writes {@code text} readable by the owner only, replacing the file in one step. */
    private static void writePrivate(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp); // not POSIX: the directory's own protection is all there is
        } catch (FileAlreadyExistsException e) {
            throw new IOException(tmp + " appeared while being written", e);
        }
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
