package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;

/** NAMESPACE (RFC 2342): one personal namespace, no prefix, "/" as separator; no shared or other users'. */
public final class NamespaceCommand implements ImapCommand {
    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        request.args().end();
        session.untagged("NAMESPACE ((\"\" \"/\")) NIL NIL");
        session.ok(request, "NAMESPACE completed");
    }
}
