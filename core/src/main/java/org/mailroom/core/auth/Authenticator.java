package org.mailroom.core.auth;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
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
 * <p>Login bursts: until a first check of a login and password has finished there is nothing in the cache, so
 * 20 clients logging in at once as one user would run 20 argon2id checks of 19 MiB each. Instead, checks of the
 * same key that overlap share one: the first runs it, the others wait for its answer (a "single flight"). The
 * answer, good or bad, is shared only with the checks that overlapped it; a failure is still never remembered.
 * Every caller still goes through its own connection's {@link LoginGuard} before and after, and an unknown user
 * and a wrong password still cost the same (both go through the same flight).
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
    /** Checks running now, by cache key; each entry lives only while its check runs. */
    private final ConcurrentHashMap<String, CompletableFuture<Optional<String>>> inFlight = new ConcurrentHashMap<>();
    /** Checks answered by another's flight instead of their own (for tests and the curious). */
    private final AtomicLong sharedChecks = new AtomicLong();
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
        CompletableFuture<Optional<String>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<String>> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            sharedChecks.incrementAndGet();
            return await(running);
        }
        try {
            Optional<String> account = check(key, login, password);
            mine.complete(account);
            return account;
        } catch (IOException | RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    /** The cache, then the directory; one run per key at a time (see the class comment). */
    private Optional<String> check(String key, String login, char[] password) throws IOException {
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

    /** The answer of the check that another caller runs for the same key. */
    private static Optional<String> await(CompletableFuture<Optional<String>> running) throws IOException {
        try {
            return running.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a concurrent login check");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Error) throw (Error) cause;
            throw new IOException("a concurrent check of the same login failed: " + cause.getMessage(), cause);
        }
    }

    /** How many checks were answered by a concurrent check of the same login and password. */
    long sharedChecks() {
        return sharedChecks.get();
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
