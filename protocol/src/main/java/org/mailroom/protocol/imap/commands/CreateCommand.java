package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mailroom.core.store.MailStoreException;
import org.mailroom.protocol.imap.Arguments;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.ImapValue;
import org.mailroom.protocol.imap.MailboxNames;
import org.mailroom.protocol.imap.Request;

/**
 * CREATE (RFC 9051 section 6.3.4): missing parents are created too ("a/b/c" makes "a" and "a/b"), as the RFC
 * suggests, so every name in the hierarchy can be selected. Creating INBOX is an error.
 *
 * <p>CREATE-SPECIAL-USE (RFC 6154 section 3): {@code CREATE name (USE (\Archive))} gives the new mailbox a
 * special-use attribute. \All and \Flagged name virtual mailboxes, which we do not have, so they are refused
 * with [USEATTR], as is an unknown attribute or more than one (the store keeps one per mailbox).
 */
public final class CreateCommand implements ImapCommand {

    /** The attributes a real mailbox can carry, in the spelling the store keeps, by upper-case name. */
    private static final Map<String, String> USES = Map.of(
            "\\ARCHIVE", "\\Archive", "\\DRAFTS", "\\Drafts", "\\JUNK", "\\Junk", "\\SENT", "\\Sent",
            "\\TRASH", "\\Trash");

    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        String name = MailboxNames.fromClient(request.args().astring("the mailbox name"));
        List<ImapValue> uses = request.args().hasNext() ? useList(request.args().list("the create parameters"))
                : List.of();
        request.args().end();
        String specialUse = null;
        if (!uses.isEmpty()) {
            String given = Arguments.text(uses.get(0), "a special-use attribute");
            specialUse = USES.get(given.toUpperCase(Locale.ROOT));
            if (specialUse == null || uses.size() > 1) {
                session.no(request, "[USEATTR] Special use not supported: "
                        + (uses.size() > 1 ? "only one attribute per mailbox" : given));
                return;
            }
        }
        if (session.store().mailbox(session.account(), name).isPresent()) {
            session.no(request, "[ALREADYEXISTS] Mailbox exists");
            return;
        }
        int slash = -1;
        while ((slash = name.indexOf('/', slash + 1)) > 0) {
            String parent = name.substring(0, slash);
            if (session.store().mailbox(session.account(), parent).isEmpty()) {
                try {
                    session.store().createMailbox(session.account(), parent);
                } catch (MailStoreException.AlreadyExists raced) {
                    // made meanwhile by another session: fine
                }
            }
        }
        session.store().createMailbox(session.account(), name, specialUse);
        session.ok(request, "CREATE completed");
    }

    /** {@code (USE (attr ...))}: the attributes; the only create parameter we know. */
    private static List<ImapValue> useList(List<ImapValue> parameters) throws BadCommandException {
        if (parameters.size() != 2 || !(parameters.get(0) instanceof ImapValue.Atom use) || !use.is("USE")
                || !(parameters.get(1) instanceof ImapValue.ListValue attributes)) {
            throw new BadCommandException("Unknown CREATE parameters; only (USE (attributes)) is supported");
        }
        if (attributes.items().isEmpty()) throw new BadCommandException("USE needs an attribute");
        return attributes.items();
    }
}
