package org.mailroom.core.auth;

import java.io.IOException;
import java.util.Optional;

/**
 * How a directory checks a password, whatever stores it: app passwords first (a digest look-up, no argon2id),
 * then the account's argon2id hash; an unknown user costs the same work as a wrong password; and on success,
 * hashes and SCRAM keys below today's costs are upgraded while the password is at hand. Each backend supplies
 * the three look-ups of {@link Credentials}.
 */
public final class PasswordLogin {

    /** What a directory keeps of an account's password: its PHC string and its SCRAM iteration count (0: none). */
    public record Stored(String phc, int scramIterations) {}

    /** The storage side of a login. */
    public interface Credentials {
        Optional<Stored> password(String account) throws IOException;

        boolean hasAppPassword(String account, String digest) throws IOException;

        /** Replaces the hash and SCRAM keys, unless the password was changed meanwhile (its PHC is not {@code oldPhc}). */
        void upgrade(String account, String newPhc, ScramCredentials scram, String oldPhc) throws IOException;
    }

    private PasswordLogin() {}

    /**
     * @param account the login as a canonical account address, or null when it is not an address at all
     * @return the account on success
     */
    public static Optional<String> check(String account, char[] password, Credentials store) throws IOException {
        Optional<Stored> stored = account == null ? Optional.empty() : store.password(account);
        if (stored.isEmpty()) {
            PasswordHash.dummyVerify(password); // an unknown user costs what a wrong password costs
            return Optional.empty();
        }
        String digest = AppPasswords.digest(password);
        if (digest != null && store.hasAppPassword(account, digest)) return Optional.of(account);
        String phc = stored.get().phc();
        if (!PasswordHash.verify(phc, password)) return Optional.empty();
        boolean rehash = PasswordHash.needsRehash(phc);
        // scramIterations is 0 for accounts made before SCRAM keys were stored.
        boolean rescram = stored.get().scramIterations() < ScramCredentials.DEFAULT_ITERATIONS;
        if (rehash || rescram) {
            store.upgrade(account, rehash ? PasswordHash.hash(password) : phc, ScramCredentials.create(password), phc);
        }
        return Optional.of(account);
    }
}
