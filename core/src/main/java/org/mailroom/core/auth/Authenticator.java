package org.mailroom.core.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.mailroom.core.mail.MailAddress;
import org.mailroom.core.store.Directory;

/**
 * Checks credentials against the {@link Directory} for every protocol: passwords (PLAIN, LOGIN, POP3 USER/PASS)
 * and SCRAM keys. Example: {@code authenticator.verifyPassword("alice@example.org", password)} gives
 * {@code Optional.of("alice@example.org")} or empty.
 *
 * <p>Cheap logins (ARCHITECTURE.md): argon2id costs tens of milliseconds by design, and a phone that polls
 * every minute would pay it every minute. A successful check is remembered for {@link #DEFAULT_CACHE_TTL},
 * keyed by an HMAC of login and password under a key made at start (so the cache holds no password and
 * nothing that outlives the process), together with the account's {@link Directory#credentialStamp}; a hit
 * counts only while the stamp is unchanged, so a changed password or a revoked app password stops working at
 * once. Failures are never cached: the guard, not a cache, deals with guessers.
 *
 * <p>SCRAM of an unknown user (or an account without SCRAM keys yet) runs against decoy keys whose salt is
 * derived from the name, so the server-first message looks the same for existing and unknown users, and the
 * exchange fails only at the proof.
 *
 * <p>Thread-safe; one instance serves all protocols.
 */
public final class Authenticator {

    public static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(10);
    public static final int DEFAULT_CACHE_ENTRIES = 10_000;

    private final Directory directory;
    private final LoginCache cache;
    /** Key of the decoy salts; random per process. */
    private final byte[] decoyKey = new byte[32];

    public Authenticator(Directory directory, Clock clock) {
        this(directory, clock, DEFAULT_CACHE_TTL, DEFAULT_CACHE_ENTRIES);
    }

    /** @param cacheTtl how long a successful login is remembered; zero turns the cache off */
    public Authenticator(Directory directory, Clock clock, Duration cacheTtl, int cacheEntries) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.cache = new LoginCache(clock, cacheTtl, cacheEntries);
        new SecureRandom().nextBytes(decoyKey);
    }

    /** The SCRAM keys to use for a login name: the account's, or decoys ({@code account} null) that never match. */
    public record ScramLookup(String account, ScramCredentials credentials) {}

    /**
     * Checks a login name and password (the account's password or an app password). The caller wipes the array.
     *
     * @return the canonical account, or empty for an unknown user or a wrong password (the same work either way)
     */
    public Optional<String> verifyPassword(String login, char[] password) throws IOException {
        String key = cache.key(login, password);
        String cached = cache.get(key);
        if (cached != null) {
            Optional<String> stamp = directory.credentialStamp(cached);
            if (stamp.isPresent() && cache.stillValid(key, stamp.get())) return Optional.of(cached);
            cache.remove(key);
        }
        Optional<String> account = directory.authenticate(login, password);
        if (account.isPresent()) {
            // Read after the check: an upgrade of the hash during the check changes the stamp.
            Optional<String> stamp = directory.credentialStamp(account.get());
            stamp.ifPresent(s -> cache.put(key, account.get(), s));
        }
        return account;
    }

    /** The SCRAM-SHA-256 keys for a login name (RFC 5802 {@code n=}), real or decoy. */
    public ScramLookup scram(String login) throws IOException {
        String account = null;
        try {
            account = MailAddress.parse(login).canonical();
        } catch (IllegalArgumentException e) {
            // not an address: decoy
        }
        if (account != null) {
            Optional<ScramCredentials> real = directory.scramCredentials(account);
            if (real.isPresent()) return new ScramLookup(account, real.get());
        }
        return new ScramLookup(null, decoy(login));
    }

    /** Same salt for the same name every time (a changing salt would tell an unknown user apart). */
    private ScramCredentials decoy(String login) {
        byte[] mac = ScramCredentials.hmac(decoyKey, login.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
        byte[] unmatchable = new byte[32];
        new SecureRandom().nextBytes(unmatchable);
        return new ScramCredentials(Arrays.copyOf(mac, 16), ScramCredentials.DEFAULT_ITERATIONS, unmatchable,
                unmatchable);
    }
}
