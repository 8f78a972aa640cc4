package org.mailroom.core.store;

import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The special-use mailboxes (RFC 6154) every account gets: Drafts, Sent, Trash, Junk and Archive, subscribed.
 * IMAP makes them at an account's first login; delivery into Junk (quarantined mail) may come first, and then
 * makes the whole set here, since an account that has any special-use mailbox counts as set up already.
 */
public final class SpecialMailboxes {

    /** Name to special-use attribute. */
    public static final Map<String, String> DEFAULTS = Map.of(
            "Drafts", "\\Drafts", "Sent", "\\Sent", "Trash", "\\Trash", "Junk", "\\Junk", "Archive", "\\Archive");

    private SpecialMailboxes() {}

    /**
     * The name of the account's {@code \Junk} mailbox. An account without any special-use mailbox first gets the
     * whole default set (as at its first IMAP login); one that has some but no {@code \Junk} gets "Junk" made
     * with that attribute, or, if a plain mailbox of that name exists, delivery goes there.
     */
    public static String junk(MailStore store, String account) throws IOException {
        Map<String, String> uses = store.specialUses(account);
        for (Map.Entry<String, String> use : uses.entrySet()) {
            if (use.getValue().equalsIgnoreCase("\\Junk")) return use.getKey();
        }
        if (uses.isEmpty()) {
            ensure(store, account);
        } else {
            create(store, account, "Junk", "\\Junk");
        }
        return "Junk";
    }

    /**
     * At an account's first use (no special-use mailbox yet): INBOX if missing, and the default set, subscribed.
     * Later calls leave alone what the user deleted or renamed. IMAP calls this at every login.
     */
    public static void ensure(MailStore store, String account) throws IOException {
        if (!store.specialUses(account).isEmpty()) return;
        Set<String> names = new HashSet<>();
        for (Mailbox m : store.listMailboxes(account)) names.add(m.name());
        if (!names.contains(Mailbox.INBOX)) create(store, account, Mailbox.INBOX, null);
        for (Map.Entry<String, String> special : new TreeMap<>(DEFAULTS).entrySet()) {
            if (names.contains(special.getKey())) continue;
            create(store, account, special.getKey(), special.getValue());
            store.addSubscription(account, special.getKey());
        }
    }

    private static void create(MailStore store, String account, String name, String specialUse) throws IOException {
        try {
            store.createMailbox(account, name, specialUse);
        } catch (MailStoreException.AlreadyExists raced) {
            // Another session or delivery made it first, or the user has a plain mailbox of that name.
        }
    }
}
