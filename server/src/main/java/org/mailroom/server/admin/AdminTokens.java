package org.mailroom.server.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.MailStoreException;
import org.mailroom.server.admin.AdminException.Kind;

/**
 * Bearer tokens of the admin API: made here, stored in the {@link Directory} as a SHA-256 digest only, checked
 * here. A token is 256 random bits, so a plain digest is as strong as a slow password hash would be (nothing to
 * guess) and costs microseconds per request. Tokens start with {@code mrt_} so that secret scanners and people
 * recognise one in a file or a paste.
 */
public final class AdminTokens {

    private static final String PREFIX = "mrt_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Directory directory;

    public AdminTokens(Directory directory) {
        this.directory = directory;
    }

    /** Makes a token named {@code name} and returns it: the only time it is ever seen. */
    public String add(String name) throws IOException, AdminException {
        checkName(name);
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        try {
            directory.addAdminToken(name, digest(token));
        } catch (MailStoreException.AlreadyExists e) {
            throw new AdminException(Kind.CONFLICT, "an admin token named '" + name + "' exists already");
        }
        return token;
    }

    public void remove(String name) throws IOException, AdminException {
        if (!directory.removeAdminToken(name)) throw new AdminException(Kind.NOT_FOUND, "no admin token named '" + name + "'");
    }

    public List<Directory.AdminToken> list() throws IOException {
        return directory.adminTokens();
    }

    /**
     * The name of the token {@code presented}, or empty. Compares its digest with every stored one, each in
     * constant time and without stopping at a match, so the time taken says nothing about which bytes matched.
     */
    public Optional<String> verify(String presented) throws IOException {
        if (presented == null || presented.isEmpty() || presented.length() > 256) return Optional.empty();
        byte[] wanted = digest(presented).getBytes(StandardCharsets.US_ASCII);
        String found = null;
        for (Directory.AdminToken t : directory.adminTokens()) {
            if (MessageDigest.isEqual(wanted, t.digest().getBytes(StandardCharsets.US_ASCII))) found = t.name();
        }
        return Optional.ofNullable(found);
    }

    /** SHA-256 of the token's characters, in lower-case hex: what the directory keeps. */
    static String digest(String token) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static void checkName(String name) throws AdminException {
        if (name == null || !name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new AdminException("a token name is 1 to 64 letters, digits, '.', '_' or '-', e.g. 'prometheus'");
        }
    }
}
