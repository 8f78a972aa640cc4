package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;

/** NOOP and CHECK (RFC 9051 section 6.1.2): nothing to do but report changes, which every tagged reply does. */
public final class NoopCommand implements ImapCommand {
    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        request.args().end();
        if (session.selected() != null) session.selected().markChanged();
        session.ok(request, request.name() + " completed");
    }
}
