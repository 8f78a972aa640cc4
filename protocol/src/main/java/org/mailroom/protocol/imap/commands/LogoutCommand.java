package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;

/** LOGOUT (RFC 9051 section 6.1.3): BYE, the tagged OK, then the server closes. */
public final class LogoutCommand implements ImapCommand {
    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        request.args().end();
        session.untagged("BYE Logging out");
        session.send(request.tag() + " OK LOGOUT completed");
        session.logout();
        session.closeAfterReply();
    }
}
