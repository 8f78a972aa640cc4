package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;
import org.mailroom.protocol.imap.MailboxNames;

/** SUBSCRIBE and UNSUBSCRIBE (RFC 9051 sections 6.3.7, 6.3.8); names need not exist. */
public final class SubscribeCommand implements ImapCommand {
    private final boolean subscribe;

    public SubscribeCommand(boolean subscribe) {
        this.subscribe = subscribe;
    }

    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        String name = MailboxNames.fromClient(request.args().astring("the mailbox name"));
        request.args().end();
        if (subscribe) {
            session.store().addSubscription(session.account(), name);
        } else if (!session.store().removeSubscription(session.account(), name)) {
            session.no(request, "[NONEXISTENT] Not subscribed");
            return;
        }
        session.ok(request, request.name() + " completed");
    }
}
