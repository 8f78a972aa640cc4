package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;
import org.mailroom.protocol.imap.IdleContinuation;

/**
 * IDLE (RFC 2177): "+ idling", then changes to the selected mailbox are pushed as they are stored (the session
 * handles the store's events at once while an {@link IdleContinuation} waits), until the client sends DONE.
 */
public final class IdleCommand implements ImapCommand {
    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        request.args().end();
        if (session.selected() != null) session.selected().sync(session, true);
        session.send("+ idling");
        session.expectContinuation(new IdleContinuation(request));
    }
}
