package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;

/**
 * STARTTLS (RFC 9051 section 6.2.1, RFC 2595): only before login (the table says so), only once, only where a
 * certificate is configured. The injection rule (CVE-2011-0411) is {@code StartTls}'s, not repeated here.
 */
public final class StartTlsCommand implements ImapCommand {
    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        request.args().end();
        if (session.tlsActive()) {
            session.bad(request, "TLS is already active");
            return;
        }
        if (!session.tlsOffered()) {
            session.bad(request, "STARTTLS is not available");
            return;
        }
        session.startTls(request);
    }
}
