package org.mailroom.protocol.imap;

import org.mailroom.core.store.Mailbox;

/** Mailbox names as clients send them: modified UTF-7, "/" separated, INBOX in any case. */
public final class MailboxNames {

    public static final char SEPARATOR = '/';

    private MailboxNames() {}

    public static String fromClient(String raw) throws BadCommandException {
        String name;
        try {
            name = ModifiedUtf7.decode(raw);
        } catch (IllegalArgumentException e) {
            throw new BadCommandException("Bad mailbox name: " + e.getMessage());
        }
        while (name.endsWith("/") && name.length() > 1) name = name.substring(0, name.length() - 1);
        if (name.isEmpty()) throw new BadCommandException("Empty mailbox name");
        if (name.equalsIgnoreCase(Mailbox.INBOX)) return Mailbox.INBOX;
        if (name.regionMatches(true, 0, "INBOX/", 0, 6)) return Mailbox.INBOX + name.substring(5);
        return name;
    }
}
