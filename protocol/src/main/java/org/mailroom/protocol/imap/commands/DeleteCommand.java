package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;
import org.mailroom.core.store.Mailbox;
import org.mailroom.protocol.imap.MailboxNames;

/**
 * DELETE (RFC 9051 section 6.3.5). A mailbox with inferiors keeps them; RFC 9051 lets us delete it anyway
 * (the inferiors stay selectable under their names). Deleting INBOX is refused.
 */
public final class DeleteCommand implements ImapCommand {
    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        String name = MailboxNames.fromClient(request.args().astring("the mailbox name"));
        request.args().end();
        if (name.equals(Mailbox.INBOX)) {
            session.no(request, "[CANNOT] INBOX cannot be deleted");
            return;
        }
        if (session.selected() != null && session.selected().mailbox().name().equals(name)) {
            session.unselect();
        }
        session.store().deleteMailbox(session.account(), name);
        session.ok(request, "DELETE completed");
    }
}
