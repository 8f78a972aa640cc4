package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;

/** CAPABILITY (RFC 9051 section 6.1.1). */
public final class CapabilityCommand implements ImapCommand {
    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        request.args().end();
        session.untagged("CAPABILITY " + session.capabilities());
        session.ok(request, "CAPABILITY completed");
    }
}
