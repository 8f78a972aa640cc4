package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;

/**
 * COMPRESS (RFC 4978): DEFLATE is the only mechanism. Once on, compression stays on until the connection ends;
 * asking again is NO [COMPRESSIONACTIVE]. Only after login: compressing secrets next to text an attacker can
 * choose is what CRIME exploited, and before login the secrets are the credentials.
 */
public final class CompressCommand implements ImapCommand {
    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        String mechanism = request.args().atom("the compression mechanism");
        request.args().end();
        if (!mechanism.equalsIgnoreCase("DEFLATE")) {
            throw new BadCommandException("Unknown compression mechanism " + mechanism);
        }
        if (session.compressing()) {
            session.no(request, "[COMPRESSIONACTIVE] DEFLATE is active already");
            return;
        }
        session.startCompression(request);
    }
}
