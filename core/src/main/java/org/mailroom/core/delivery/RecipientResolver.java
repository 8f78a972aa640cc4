package org.mailroom.core.delivery;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.mailroom.core.mail.MailAddress;
import org.mailroom.core.store.Directory;

/**
 * Turns a recipient address in a local domain into the accounts that get a copy and the outside addresses
 * the message is forwarded to.
 *
 * <p>Rules, in order: an account is itself; an alias is expanded, its local targets again (aliases of
 * aliases), up to {@link #MAX_DEPTH} levels and never visiting an address twice, so {@code a -> b -> a}
 * ends instead of looping; an unknown {@code user+tag} is tried as {@code user} (plus-addressing). A
 * target that names nobody is skipped. The result is empty when nobody is left: the sender gets 550 5.1.1.
 */
public final class RecipientResolver {

    /** Alias levels followed; deeper chains are configuration mistakes, not mail routes. */
    public static final int MAX_DEPTH = 10;

    /** The accounts (canonical addresses) and the outside addresses one recipient reaches. */
    public record Resolution(Set<String> accounts, Set<MailAddress> forwards) {
        public boolean isEmpty() {
            return accounts.isEmpty() && forwards.isEmpty();
        }
    }

    private final Directory directory;

    public RecipientResolver(Directory directory) {
        this.directory = directory;
    }

    public Resolution resolve(MailAddress recipient) throws IOException {
        return resolve(recipient, false);
    }

    /**
     * The same for a recipient the caller has just found to be in a local domain: its domain is not looked up
     * again (one directory read fewer per recipient, at RCPT and again at delivery).
     */
    public Resolution resolveLocal(MailAddress recipient) throws IOException {
        return resolve(recipient, true);
    }

    /**
     * The resolution of a recipient when its domain is ours, else empty (the caller relays or refuses it). The
     * domain and the recipient's own entry are one read of the directory: RCPT TO asks this for every recipient.
     */
    public Optional<Resolution> resolveIfLocal(MailAddress recipient) throws IOException {
        Optional<Directory.Lookup> first = directory.lookupIfLocal(recipient);
        if (first.isEmpty()) return Optional.empty();
        return Optional.of(resolve(recipient, true, first.get()));
    }

    private Resolution resolve(MailAddress recipient, boolean knownLocal) throws IOException {
        return resolve(recipient, knownLocal, null);
    }

    /** @param firstLookup the recipient's own entry when the caller has read it already, else null */
    private Resolution resolve(MailAddress recipient, boolean knownLocal, Directory.Lookup firstLookup)
            throws IOException {
        Set<String> accounts = new LinkedHashSet<>();
        Set<MailAddress> forwards = new LinkedHashSet<>();
        Set<String> visited = new HashSet<>();
        record Step(MailAddress address, int depth) {}
        Deque<Step> work = new ArrayDeque<>();
        work.add(new Step(recipient, 0));
        while (!work.isEmpty()) {
            Step step = work.poll();
            MailAddress address = step.address();
            if (!visited.add(address.canonical())) continue;
            Directory.Lookup found;
            if (knownLocal && address == recipient) {
                found = firstLookup != null ? firstLookup : directory.lookup(address);
            } else {
                // The domain and the address in one read of the store, not two.
                Optional<Directory.Lookup> local = directory.lookupIfLocal(address);
                if (local.isEmpty()) {
                    forwards.add(address);
                    continue;
                }
                found = local.get();
            }
            if (found instanceof Directory.Unknown) {
                MailAddress base = withoutTag(address);
                if (base != null) found = directory.lookup(base);
            }
            if (found instanceof Directory.Local) {
                accounts.add(((Directory.Local) found).account());
            } else if (found instanceof Directory.Alias && step.depth() < MAX_DEPTH) {
                for (String target : ((Directory.Alias) found).targets()) {
                    try {
                        work.add(new Step(MailAddress.parse(target), step.depth() + 1));
                    } catch (IllegalArgumentException badTarget) {
                        // A malformed alias target names nobody; the other targets still get the message.
                    }
                }
            }
        }
        return new Resolution(accounts, forwards);
    }

    /** {@code user+tag@domain} as {@code user@domain}, or null when there is no tag. */
    private static MailAddress withoutTag(MailAddress address) {
        String local = address.unquotedLocalPart();
        int plus = local.indexOf('+');
        if (plus <= 0) return null;
        return new MailAddress(local.substring(0, plus), address.domain());
    }
}
