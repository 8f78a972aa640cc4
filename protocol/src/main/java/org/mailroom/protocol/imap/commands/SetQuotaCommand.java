package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;

/**
 * SETQUOTA (RFC 9208 section 4.1.3): limits are the administrator's ({@code ./mailroom user quota}), and no IMAP
 * user has admin rights, so it is always refused with NOPERM (RFC 5530), after the arguments are read so that a
 * malformed command still gets its BAD. QUOTASET is not announced.
 */
public final class SetQuotaCommand implements ImapCommand {
    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        request.args().astring("the quota root");
        request.args().list("the resource limits");
        request.args().end();
        session.no(request, "[NOPERM] Quotas are set by the administrator");
    }
}
