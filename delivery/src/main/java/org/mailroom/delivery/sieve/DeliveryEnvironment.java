package org.mailroom.delivery.sieve;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.Mailbox;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.SieveScripts;
import org.mailroom.sieve.SieveEnvironment;

/**
 * What a script of one account may ask while it runs: the store's answers for that account. A store error
 * becomes an {@link UncheckedIOException}; the runner turns any exception of a run into the implicit keep.
 * The account's addresses (only vacation asks) are read from the directory on the first question.
 */
final class DeliveryEnvironment implements SieveEnvironment {

    /** The owner of the scripts every domain may include with {@code include :global}. */
    static final String GLOBAL_OWNER = "@global";

    private final String account;
    private final Directory directory;
    private final MailStore store;
    private final SieveScripts scripts;
    private final Clock clock;
    private final SieveRunner.VacationPeriods periods;
    private Set<String> addresses;

    DeliveryEnvironment(String account, Directory directory, MailStore store, SieveScripts scripts, Clock clock,
                        SieveRunner.VacationPeriods periods) {
        this.periods = periods;
        this.account = account;
        this.directory = directory;
        this.store = store;
        this.scripts = scripts;
        this.clock = clock;
    }

    @Override
    public String account() {
        return account;
    }

    /** The account and every alias whose target is the account (one level: what a user would call "mine"). */
    @Override
    public Set<String> addresses() {
        if (addresses == null) {
            Set<String> mine = new LinkedHashSet<>();
            mine.add(account.toLowerCase(Locale.ROOT));
            try {
                for (Directory.AliasEntry alias : directory.aliases()) {
                    if (alias.target().equalsIgnoreCase(account)) mine.add(alias.source().toLowerCase(Locale.ROOT));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            addresses = Set.copyOf(mine);
        }
        return addresses;
    }

    @Override
    public boolean mailboxExists(String mailbox) {
        try {
            return store.mailbox(account, MailboxNames.of(mailbox)).isPresent();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Vacation's keys (the interpreter starts them with "vacation") get the site's bounds on the period; all
     * keys are bounded by the maximum, which also bounds how long the store keeps them.
     */
    @Override
    public boolean seenBefore(String key, Duration period) {
        if (period.compareTo(periods.max()) > 0) period = periods.max();
        if (key.regionMatches(true, 0, "vacation", 0, 8) && period.compareTo(periods.min()) < 0) period = periods.min();
        try {
            return scripts.seenBefore(account, key, period, clock.instant());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<String> includedScript(boolean global, String name) {
        try {
            return scripts.get(global ? GLOBAL_OWNER : account, name).map(SieveScripts.Script::text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public ZonedDateTime now() {
        return ZonedDateTime.now(clock);
    }

    /** Mailbox names as scripts write them, as the store keeps them. */
    static final class MailboxNames {
        private MailboxNames() {}

        /** "inbox" in any case is the INBOX (RFC 3501 section 5.1); other names are kept as written. */
        static String of(String name) {
            if (name.equalsIgnoreCase(Mailbox.INBOX)) return Mailbox.INBOX;
            return name;
        }
    }
}
