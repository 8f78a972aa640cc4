package org.mailroom.protocol.imap;

import org.mailroom.core.store.Mailbox;

/** Mailbox names as clients send them: modified UTF-7, "/" separated, INBOX in any case. */
public final class MailboxNames {

    public static final char SEPARATOR = '/';

    private MailboxNames() {}

    /**
     * A mailbox name for a response: modified UTF-7, or UTF-8 once the client enabled UTF8=ACCEPT (RFC 6855
     * section 3: the server then sends mailbox names in UTF-8 only).
     */
    public static String toClient(ImapSession session, String name) {
        if (session.isEnabled("UTF8=ACCEPT")) return ImapStrings.utf8(name);
        return ImapStrings.mailbox(name);
    }

    /**
     * XXX: a name with 8-bit octets is taken as UTF-8 and one without as modified UTF-7, whether or not UTF8=ACCEPT
     * is enabled (RFC 6855 section 3 lets servers accept both); so a UTF-8 client's "a&b" is read as modified UTF-7
     * and refused. Real clients that enable UTF8=ACCEPT do not put '&' in folder names often enough to matter.
     */
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
