package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;
import org.mailroom.core.store.MailStoreException;
import org.mailroom.protocol.imap.MailboxNames;

/**
 * CREATE (RFC 9051 section 6.3.4): missing parents are created too ("a/b/c" makes "a" and "a/b"), as the RFC
 * suggests, so every name in the hierarchy can be selected. Creating INBOX is an error.
 */
public final class CreateCommand implements ImapCommand {
    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        String name = MailboxNames.fromClient(request.args().astring("the mailbox name"));
        request.args().end();
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
        session.store().createMailbox(session.account(), name);
        session.ok(request, "CREATE completed");
    }
}
