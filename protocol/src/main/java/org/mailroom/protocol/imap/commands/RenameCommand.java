package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;
import java.util.ArrayList;
import java.util.List;
import org.mailroom.core.store.Mailbox;
import org.mailroom.core.store.MessageRecord;
import org.mailroom.protocol.imap.MailboxNames;

/**
 * RENAME (RFC 9051 section 6.3.6), inferiors included. Renaming INBOX moves all its messages into the new
 * mailbox and leaves INBOX empty, as the RFC requires.
 */
public final class RenameCommand implements ImapCommand {
    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        String from = MailboxNames.fromClient(request.args().astring("the existing mailbox name"));
        String to = MailboxNames.fromClient(request.args().astring("the new mailbox name"));
        request.args().end();
        if (to.equals(Mailbox.INBOX)) {
            session.no(request, "[CANNOT] Cannot rename to INBOX");
            return;
        }
        if (from.equals(Mailbox.INBOX)) {
            Mailbox inbox = session.store().mailbox(session.account(), Mailbox.INBOX).orElseThrow();
            Mailbox target = session.store().createMailbox(session.account(), to);
            List<Long> uids = new ArrayList<>();
            for (MessageRecord m : session.store().messages(inbox.id())) uids.add(m.uid());
            if (!uids.isEmpty()) session.store().move(inbox.id(), uids, target.id());
            session.ok(request, "RENAME completed");
            return;
        }
        session.store().renameMailbox(session.account(), from, to);
        session.ok(request, "RENAME completed");
    }
}
