package org.mailroom.server.admin;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Arrays;
import org.mailroom.core.auth.AppPasswords;
import org.mailroom.core.dkim.DkimRotation;
import org.mailroom.core.mail.MailAddress;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.Directory.AliasEntry;
import org.mailroom.core.store.DkimKeyRecord;
import org.mailroom.core.store.MailStoreException;
import org.mailroom.server.config.Sizes;
import org.mailroom.server.admin.AdminException.Kind;

/**
 * The rules of changing domains, accounts and aliases, shared by the command line ({@link DomainCommand},
 * {@link UserCommand}, {@link AliasCommand}) and the admin HTTP API: one place that says what is valid and what
 * each refusal reads. Each method checks, changes the directory and returns the canonical name it acted on.
 *
 * <p>Accounts are added in two steps, {@link #checkNewAccount} then {@link #addAccount}, so that the command line
 * can refuse a taken address before it asks for a password.
 */
public final class DirectoryAdmin implements AdminOperations {

    /** A domain just added, with the DKIM keys made for it (RSA first). */
    public record AddedDomain(String name, List<DkimKeyRecord> dkimKeys) {}

    private final Directory directory;
    private final Clock clock;
    private final DkimRotation.Settings rotation;

    public DirectoryAdmin(Directory directory) {
        this(directory, Clock.systemUTC());
    }

    /** @param clock dates the DKIM keys of new domains (their selectors name the day) */
    public DirectoryAdmin(Directory directory, Clock clock) {
        this(directory, clock, DkimRotation.Settings.DEFAULT);
    }

    /** @param rotation {@code dkim.publish_delay} and {@code dkim.retire_after} of the configuration */
    public DirectoryAdmin(Directory directory, Clock clock, DkimRotation.Settings rotation) {
        this.directory = directory;
        this.clock = clock;
        this.rotation = rotation;
    }

    // ---- domains ----

    @Override
    public List<String> domains() throws IOException {
        List<String> domains = new ArrayList<>(directory.domains());
        domains.sort(null);
        return domains;
    }

    /**
     * Adds a local domain and makes its DKIM keys (RSA-2048 and Ed25519), so that a domain added by the command
     * line or by the API signs alike. The first pair signs at once: nothing better exists, and until its records
     * are in DNS verifiers ignore the signatures (RFC 6376 section 6.1).
     */
    @Override
    public AddedDomain addDomain(String name) throws IOException, AdminException {
        String domain = AdminRun.domain(name);
        if (!directory.addDomain(domain)) throw new AdminException(Kind.CONFLICT, "domain '" + domain + "' is already a local domain");
        List<DkimKeyRecord> keys = DkimAdmin.addPair(directory, domain, DkimKeyRecord.State.ACTIVE, clock.instant());
        return new AddedDomain(domain, keys);
    }

    @Override
    public String removeDomain(String name) throws IOException, AdminException {
        String domain = AdminRun.domain(name);
        requireLocalDomain(domain);
        // Say what is in the way here rather than relying on the store's own refusal.
        String users = countOf(accountsIn(domain).size(), "account");
        String aliases = countOf(aliasesIn(domain).size(), "alias");
        if (!users.isEmpty() || !aliases.isEmpty()) {
            String what = users.isEmpty() ? aliases : aliases.isEmpty() ? users : users + " and " + aliases;
            throw new AdminException(Kind.CONFLICT, "domain '" + domain + "' still has " + what
                    + ": remove them first ('mailroom user list " + domain + "', 'mailroom alias list')");
        }
        if (!directory.removeDomain(domain)) throw new AdminException(Kind.NOT_FOUND, "domain '" + domain + "' is not a local domain");
        return domain;
    }

    /** The domain {@code text} names, normalized as {@code domain add} does, when it is a local one. */
    public String checkDomain(String text) throws IOException, AdminException {
        String domain = AdminRun.domain(text);
        requireLocalDomain(domain);
        return domain;
    }

    void requireLocalDomain(String domain) throws IOException, AdminException {
        if (!directory.isLocalDomain(domain)) {
            throw new AdminException(Kind.NOT_FOUND, "domain '" + domain + "' is not a local domain: add it first with 'mailroom domain add "
                    + domain + "'");
        }
    }

    // ---- accounts ----

    /** Every account, or those of one domain ({@code domain} may be null), sorted. */
    @Override
    public List<String> accounts(String domain) throws IOException, AdminException {
        List<String> accounts = domain == null ? new ArrayList<>(directory.accounts()) : accountsIn(AdminRun.domain(domain));
        accounts.sort(null);
        return accounts;
    }

    /** The canonical form of a new account's address, refused if its domain is not ours or it exists. */
    @Override
    public String checkNewAccount(String text) throws IOException, AdminException {
        MailAddress address = AdminRun.address(text);
        String account = address.canonical();
        requireLocalDomain(address.domain());
        if (directory.lookup(address) instanceof Directory.Local) throw accountExists(account);
        return account;
    }

    /** Adds the account that {@link #checkNewAccount} returned. The caller clears {@code password}. */
    @Override
    public void addAccount(String account, char[] password) throws IOException, AdminException {
        requirePassword(password);
        try {
            directory.addAccount(account, password);
        } catch (MailStoreException.AlreadyExists e) {
            throw accountExists(account);
        }
    }

    /** The canonical form of an existing account's address. */
    @Override
    public String checkAccount(String text) throws IOException, AdminException {
        MailAddress address = AdminRun.address(text);
        if (!(directory.lookup(address) instanceof Directory.Local)) throw noAccount(address.canonical());
        return address.canonical();
    }

    /** Sets the password of the account that {@link #checkAccount} returned. The caller clears {@code password}. */
    @Override
    public void setPassword(String account, char[] password) throws IOException, AdminException {
        requirePassword(password);
        onAccount(account, () -> directory.setPassword(account, password));
    }

    @Override
    public String removeAccount(String text) throws IOException, AdminException {
        String account = AdminRun.address(text).canonical();
        if (!directory.removeAccount(account)) throw noAccount(account);
        return account;
    }

    /** The account's own storage limit; empty when the configured default ({@code limits.mailbox_quota}) applies. */
    @Override
    public OptionalLong quota(String account) throws IOException, AdminException {
        return ofAccount(account, () -> directory.quota(account));
    }

    /**
     * Disables or enables an account. A disabled account keeps its mail and still receives more (as Postfix with
     * Dovecot do); only its logins are refused, a cached one at once. Doing it twice is not an error.
     */
    @Override
    public String setDisabled(String text, boolean disabled) throws IOException, AdminException {
        String account = AdminRun.address(text).canonical();
        if (!directory.setDisabled(account, disabled)) throw noAccount(account);
        return account;
    }

    /** Whether the account is disabled. */
    public boolean isDisabled(String account) throws IOException, AdminException {
        return ofAccount(account, () -> directory.isDisabled(account));
    }

    /** Sets the account's own storage limit (0: none), or clears it (empty) so that the default applies. */
    @Override
    public void setQuota(String account, OptionalLong bytes) throws IOException, AdminException {
        onAccount(account, () -> directory.setQuota(account, bytes));
    }

    /** "none" clears the account's own limit; anything else is a size as the configuration reads them. */
    public static OptionalLong parseQuota(String text) throws AdminException {
        if (text.equalsIgnoreCase("none")) return OptionalLong.empty();
        try {
            return OptionalLong.of(Sizes.parse(text));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new AdminException("quota: " + (e.getMessage() == null ? "size too large" : e.getMessage())
                    + ", or none");
        }
    }

    /** A read of one account's data from the store. */
    private interface AccountRead<T> {
        T read() throws IOException;
    }

    /** A change to one account in the store. */
    private interface AccountChange {
        void apply() throws IOException;
    }

    /** Reads from the store; an account it does not have becomes NOT_FOUND, naming it. */
    private static <T> T ofAccount(String account, AccountRead<T> read) throws IOException, AdminException {
        try {
            return read.read();
        } catch (MailStoreException.NotFound e) {
            throw noAccount(account);
        }
    }

    /** Changes the store; an account it does not have becomes NOT_FOUND, naming it. */
    private static void onAccount(String account, AccountChange change) throws IOException, AdminException {
        ofAccount(account, () -> {
            change.apply();
            return null;
        });
    }

    private static AdminException noAccount(String account) {
        return new AdminException(Kind.NOT_FOUND, "no account '" + account + "'");
    }

    private static AdminException accountExists(String account) {
        return new AdminException(Kind.CONFLICT, "account '" + account + "' exists already");
    }

    private static void requirePassword(char[] password) throws AdminException {
        if (password == null || password.length == 0) throw new AdminException("empty password refused");
    }

    // ---- aliases ----

    /** Every alias, or one source's ({@code source} may be null), sorted by source then target. */
    @Override
    public List<AliasEntry> aliases(String source) throws IOException, AdminException {
        String wanted = source == null ? null : AdminRun.address(source).canonical();
        List<AliasEntry> aliases = new ArrayList<>();
        for (AliasEntry alias : directory.aliases()) {
            if (wanted == null || alias.source().equalsIgnoreCase(wanted)) aliases.add(alias);
        }
        aliases.sort(Comparator.comparing(AliasEntry::source).thenComparing(AliasEntry::target));
        return aliases;
    }

    @Override
    public AliasEntry addAlias(String sourceText, String targetText) throws IOException, AdminException {
        MailAddress source = AdminRun.address(sourceText);
        MailAddress target = AdminRun.address(targetText);
        requireLocalDomain(source.domain());
        if (source.canonical().equals(target.canonical())) {
            throw new AdminException("an alias from '" + source + "' to itself would loop");
        }
        try {
            // The source is a key of ours (canonical); the target keeps its case for other hosts.
            directory.addAlias(source.canonical(), target.toString());
        } catch (MailStoreException.AlreadyExists e) {
            throw new AdminException(Kind.CONFLICT, "alias " + source.canonical() + " -> " + target + " exists already");
        }
        return new AliasEntry(source.canonical(), target.toString());
    }

    @Override
    public AliasEntry removeAlias(String sourceText, String targetText) throws IOException, AdminException {
        MailAddress source = AdminRun.address(sourceText);
        MailAddress target = AdminRun.address(targetText);
        if (!directory.removeAlias(source.canonical(), target.toString())) {
            throw new AdminException(Kind.NOT_FOUND, "no alias " + source.canonical() + " -> " + target);
        }
        return new AliasEntry(source.canonical(), target.toString());
    }

    // ---- app passwords ----

    @Override
    public char[] addAppPassword(String account, String name) throws IOException, AdminException {
        String canonical = AdminRun.address(account).canonical();
        requireName(name, "app-password add", "phone");
        char[] password = AppPasswords.generate();
        try {
            directory.addAppPassword(canonical, name, password);
            return password;
        } catch (MailStoreException.NotFound e) {
            Arrays.fill(password, '\0');
            throw noAccount(canonical);
        } catch (MailStoreException.AlreadyExists e) {
            Arrays.fill(password, '\0');
            throw new AdminException(Kind.CONFLICT, canonical + " has an app password named '" + name + "' already");
        }
    }

    @Override
    public List<Directory.AppPassword> appPasswords(String account) throws IOException, AdminException {
        String canonical = AdminRun.address(account).canonical();
        return ofAccount(canonical, () -> directory.appPasswords(canonical));
    }

    @Override
    public void removeAppPassword(String account, String name) throws IOException, AdminException {
        String canonical = AdminRun.address(account).canonical();
        requireName(name, "app-password remove", "phone");
        if (!directory.removeAppPassword(canonical, name)) {
            throw new AdminException(Kind.NOT_FOUND, canonical + " has no app password named '" + name + "'");
        }
    }

    // ---- admin tokens ----

    @Override
    public String addToken(String name) throws IOException, AdminException {
        requireName(name, "token add", "prometheus");
        return new AdminTokens(directory).add(name);
    }

    @Override
    public List<Directory.AdminToken> tokens() throws IOException {
        return new AdminTokens(directory).list();
    }

    @Override
    public void removeToken(String name) throws IOException, AdminException {
        requireName(name, "token remove", "prometheus");
        new AdminTokens(directory).remove(name);
    }

    // ---- DKIM keys ----

    @Override
    public List<DkimStatus> dkimKeys(String domain) throws IOException, AdminException {
        return new DkimAdmin(directory, rotation, clock).list(domain);
    }

    @Override
    public List<DkimStatus> rotateDkim(String domain) throws IOException, AdminException {
        return new DkimAdmin(directory, rotation, clock).rotate(domain);
    }

    @Override
    public String retireDkim(String domain, String selector, boolean force) throws IOException, AdminException {
        return new DkimAdmin(directory, rotation, clock).retire(domain, selector, force);
    }

    // ---- helpers ----

    private static void requireName(String name, String action, String example) throws AdminException {
        if (name == null || name.isBlank()) throw new AdminException(action + " needs a NAME, e.g. '" + example + "'");
    }

    private List<String> accountsIn(String domain) throws IOException {
        List<String> found = new ArrayList<>();
        for (String account : directory.accounts()) {
            if (account.endsWith("@" + domain)) found.add(account);
        }
        return found;
    }

    private List<AliasEntry> aliasesIn(String domain) throws IOException {
        List<AliasEntry> found = new ArrayList<>();
        for (AliasEntry alias : directory.aliases()) {
            if (alias.source().toLowerCase(Locale.ROOT).endsWith("@" + domain)) found.add(alias);
        }
        return found;
    }

    private static String countOf(int n, String noun) {
        if (n == 0) return "";
        return n + " " + noun + (n == 1 ? "" : noun.endsWith("s") ? "es" : "s");
    }
}
