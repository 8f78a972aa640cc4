package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;

/** UNSELECT (RFC 3691): leaves the mailbox without expunging. */
public final class UnselectCommand implements ImapCommand {
    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        request.args().end();
        session.unselect();
        session.ok(request, "UNSELECT completed");
    }
}
