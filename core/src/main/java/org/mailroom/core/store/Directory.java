package org.mailroom.core.store;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.mailroom.core.mail.MailAddress;

/**
 * Who Mailroom receives mail for: local domains, accounts with their password hashes, and aliases.
 * Addresses are compared case-insensitively, in the canonical form of {@link MailAddress#canonical()}.
 *
 * <p>Changes made by one process (the {@code ./mailroom user add} command) are seen by a running server
 * without a restart. Passwords are stored only as argon2id hashes in PHC form.
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

    /** Neither an account nor an alias. */
    record Unknown() implements Lookup {}

    /** An alias row: mail to {@code source} goes (also) to {@code target}. */
    record AliasEntry(String source, String target) {}

    boolean isLocalDomain(String domain) throws IOException;

    List<String> domains() throws IOException;

    /** @return false if it was there already */
    boolean addDomain(String domain) throws IOException;

    /** Removes a domain; refuses (MailStoreException) while accounts or aliases of it exist. */
    boolean removeDomain(String domain) throws IOException;

    /** Adds an account in a local domain. @throws MailStoreException.AlreadyExists, NotFound (domain) */
    void addAccount(String address, char[] password) throws IOException;

    boolean removeAccount(String address) throws IOException;

    List<String> accounts() throws IOException;

    void setPassword(String address, char[] password) throws IOException;

    /**
     * Checks a login. Returns the canonical account on success. An unknown user costs the same hashing
     * work as a wrong password, so timing does not reveal which accounts exist.
     */
    Optional<String> authenticate(String login, char[] password) throws IOException;

    /** Adds an alias; the source must be in a local domain, the target may be anywhere. */
    void addAlias(String source, String target) throws IOException;

    boolean removeAlias(String source, String target) throws IOException;

    List<AliasEntry> aliases() throws IOException;

    /** Looks one address up, exactly as given (no +tag stripping, no expansion). */
    Lookup lookup(MailAddress address) throws IOException;
}
