package org.mailroom.core.store;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.mailroom.core.auth.ScramCredentials;
import org.mailroom.core.mail.MailAddress;

/**
 * Who Mailroom receives mail for: local domains, accounts with their password hashes, and aliases.
 * Addresses are compared case-insensitively, in the canonical form of {@link MailAddress#canonical()}.
 *
 * <p>Changes made by one process (the {@code ./mailroom user add} command) are seen by a running server
 * without a restart. Passwords are stored only as argon2id hashes in PHC form, next to the SCRAM-SHA-256 keys
 * derived from the same password (see {@link ScramCredentials}); app passwords only as SHA-256 digests.
 *
 * <p>The credential methods at the end have defaults so that test fakes need not implement them: no SCRAM keys,
 * no credential stamp (so no cached logins), no app passwords.
 */
public interface Directory {

    /** The answer to "who is this address?". */
    sealed interface Lookup permits Local, Alias, Unknown {}

    /** A local account, by its canonical address. */
    record Local(String account) implements Lookup {}

    /** An alias and the addresses it points to, exactly as configured (one level; not expanded). */
    record Alias(List<String> targets) implements Lookup {
        public Alias {
            targets = List.copyOf(targets);
        }
    }

    /** An app password's name and when it was made; the password itself is never stored. */
    record AppPassword(String name, Instant created) {}

    /** Neither an account nor an alias. */
    record Unknown() implements Lookup {}

    /** An alias row: mail to {@code source} goes (also) to {@code target}. */
    record AliasEntry(String source, String target) {}

    boolean isLocalDomain(String domain) throws IOException;

    List<String> domains() throws IOException;

    /** @return false if it was there already */
    boolean addDomain(String domain) throws IOException;

    /** Removes a domain and its DKIM keys; refuses (MailStoreException) while accounts or aliases of it exist. */
    boolean removeDomain(String domain) throws IOException;

    /** Adds an account in a local domain. @throws MailStoreException.AlreadyExists, NotFound (domain) */
    void addAccount(String address, char[] password) throws IOException;

    boolean removeAccount(String address) throws IOException;

    List<String> accounts() throws IOException;

    void setPassword(String address, char[] password) throws IOException;

    /**
     * Checks a login. Returns the canonical account on success. An unknown user costs the same hashing
     * work as a wrong password, so timing does not reveal which accounts exist. The password may be the
     * account's own or one of its app passwords. When the main password matches and the stored argon2id or SCRAM
     * parameters are below today's defaults (or the SCRAM keys are missing), they are upgraded while the password
     * is at hand.
     */
    Optional<String> authenticate(String login, char[] password) throws IOException;

    /** Adds an alias; the source must be in a local domain, the target may be anywhere. */
    void addAlias(String source, String target) throws IOException;

    boolean removeAlias(String source, String target) throws IOException;

    List<AliasEntry> aliases() throws IOException;

    /** Looks one address up, exactly as given (no +tag stripping, no expansion). */
    Lookup lookup(MailAddress address) throws IOException;

    /**
     * {@link #isLocalDomain} and {@link #lookup} in one question: empty when the address's domain is not ours,
     * else its lookup. The backends answer it in one read transaction; RCPT TO asks it for every recipient, so
     * it saves a round through the store per recipient. Example: {@code lookupIfLocal(alice@example.org)} is
     * {@code Optional.of(new Local("alice@example.org"))} when example.org is local and Alice has an account.
     */
    default Optional<Lookup> lookupIfLocal(MailAddress address) throws IOException {
        return isLocalDomain(address.domain()) ? Optional.of(lookup(address)) : Optional.empty();
    }

    // ---- per-account storage quota (RFC 9208 STORAGE) ----

    /**
     * The account's own storage limit in bytes, if one was set (0: no limit for this account); empty when it
     * has none of its own, so the configured default ({@code limits.mailbox_quota}) applies. Example: after
     * {@code setQuota("alice@example.org", OptionalLong.of(2L << 30))}, {@link Quota} allows Alice 2 GiB.
     *
     * @throws MailStoreException.NotFound if there is no such account
     */
    default OptionalLong quota(String account) throws IOException {
        return OptionalLong.empty();
    }

    /**
     * Sets (a value) or clears (empty: back to the default) the account's own storage limit.
     *
     * @throws MailStoreException.NotFound if there is no such account
     */
    default void setQuota(String account, OptionalLong bytes) throws IOException {
        throw new UnsupportedOperationException("per-account quotas are not supported by this directory");
    }

    // ---- disabled accounts (issue 14) ----

    /**
     * Disables (or enables again) an account. A disabled account refuses every login: password, app passwords and
     * SCRAM fail as for an unknown user, and {@link #credentialStamp} is empty so that a cached login stops counting
     * at once. Its mail is still accepted and delivered, as Postfix with Dovecot do: disabling a login is not
     * deleting a mailbox (remove the account for that).
     *
     * @return false if there is no such account
     */
    default boolean setDisabled(String address, boolean disabled) throws IOException {
        throw new UnsupportedOperationException("disabling accounts is not supported by this directory");
    }

    /** @throws MailStoreException.NotFound if there is no such account */
    default boolean isDisabled(String address) throws IOException {
        throw new UnsupportedOperationException("disabling accounts is not supported by this directory");
    }

    // ---- credentials beyond the password (added for SASL and app passwords) ----

    /**
     * The SCRAM-SHA-256 keys of an account (canonical address), empty if there is no such account or its keys
     * were never stored (an account whose password was set before they existed; its next password login adds them).
     */
    default Optional<ScramCredentials> scramCredentials(String account) throws IOException {
        return Optional.empty();
    }

    /**
     * An opaque value that changes whenever the account's password or app passwords change; empty if there is no
     * such account or it is disabled. A cached successful login is honoured only while the stamp is unchanged, so a new password
     * or a revoked app password takes effect at once.
     */
    default Optional<String> credentialStamp(String account) throws IOException {
        return Optional.empty();
    }

    /**
     * Adds an app password: a second password for one device, revoked alone. Stores only its digest.
     * @throws MailStoreException.NotFound (account), MailStoreException.AlreadyExists (name)
     */
    default void addAppPassword(String account, String name, char[] password) throws IOException {
        throw new UnsupportedOperationException("app passwords are not supported by this directory");
    }

    /** @return false if the account has no app password of that name */
    default boolean removeAppPassword(String account, String name) throws IOException {
        throw new UnsupportedOperationException("app passwords are not supported by this directory");
    }

    /** The account's app passwords by name. @throws MailStoreException.NotFound (account) */
    default List<AppPassword> appPasswords(String account) throws IOException {
        throw new UnsupportedOperationException("app passwords are not supported by this directory");
    }

    // ---- bearer tokens of the admin HTTP API (issue 14) ----

    /**
     * A token of the admin API. Only the SHA-256 of the token is stored (hex): the token is 256 random bits, so
     * a fast digest is enough, unlike a password, and a stolen database gives no usable token.
     */
    record AdminToken(String name, String digest, Instant created) {}

    /** Adds a token by its digest. @throws MailStoreException.AlreadyExists (name) */
    default void addAdminToken(String name, String digest) throws IOException {
        throw new UnsupportedOperationException("admin tokens are not supported by this directory");
    }

    /** @return false if there is no token of that name */
    default boolean removeAdminToken(String name) throws IOException {
        throw new UnsupportedOperationException("admin tokens are not supported by this directory");
    }

    /** Every token, by name. */
    default List<AdminToken> adminTokens() throws IOException {
        throw new UnsupportedOperationException("admin tokens are not supported by this directory");
    }

    // ---- DKIM signing keys (issue 13); defaults so that test fakes need not keep keys ----

    /**
     * The DKIM keys of a domain in every state, oldest first (then by selector). Empty for a domain without keys
     * or not ours. Example: {@code dkimKeys("example.org")} gives the ACTIVE pair {@code mr20261204r} (RSA) and
     * {@code mr20261204e} (Ed25519), and after a rotation also the PUBLISHED pair of the rotation day.
     */
    default List<DkimKeyRecord> dkimKeys(String domain) throws IOException {
        return List.of();
    }

    /** Adds a key. @throws MailStoreException.NotFound (domain not local), MailStoreException.AlreadyExists (selector) */
    default void addDkimKey(DkimKeyRecord key) throws IOException {
        throw new UnsupportedOperationException("DKIM keys are not supported by this directory");
    }

    /**
     * Moves a key from state {@code from} to {@code to}, with its new retire-after time (null unless RETIRED).
     * Conditional, so that two nodes making the same transition at once do it once.
     *
     * @return false if the key is not there or not in state {@code from}
     */
    default boolean setDkimKeyState(String domain, String selector, DkimKeyRecord.State from, DkimKeyRecord.State to,
                                    Instant retireAfter) throws IOException {
        throw new UnsupportedOperationException("DKIM keys are not supported by this directory");
    }

    /** Deletes a key. @return false if there was none */
    default boolean removeDkimKey(String domain, String selector) throws IOException {
        throw new UnsupportedOperationException("DKIM keys are not supported by this directory");
    }
}
