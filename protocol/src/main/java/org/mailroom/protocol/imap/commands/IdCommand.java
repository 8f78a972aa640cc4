package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;

/** ID (RFC 2971): what the client says about itself is only logged at debug level; we say who we are. */
public final class IdCommand implements ImapCommand {
    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        if (!request.args().peekAtom("NIL")) request.args().list("the ID parameter list");
        else request.args().atom("NIL");
        request.args().end();
        session.untagged("ID (\"name\" \"Mailroom\" \"vendor\" \"Mailroom\")");
        session.ok(request, "ID completed");
    }
}
