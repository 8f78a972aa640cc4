package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;
import java.util.Locale;
import java.util.Set;

/**
 * ENABLE (RFC 5161): IMAP4rev2 (RFC 9051 appendix E: ESEARCH answers, no RECENT), CONDSTORE and QRESYNC (RFC
 * 7162: VANISHED instead of EXPUNGE); others are ignored, as the RFC asks.
 */
public final class EnableCommand implements ImapCommand {
    private static final Set<String> KNOWN = Set.of("IMAP4REV2", "CONDSTORE", "QRESYNC");

    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        if (!request.args().hasNext()) throw new BadCommandException("ENABLE needs at least one capability");
        StringBuilder enabled = new StringBuilder();
        while (request.args().hasNext()) {
            String name = request.args().atom("a capability").toUpperCase(Locale.ROOT);
            if (KNOWN.contains(name) && !session.isEnabled(name)) {
                session.enable(name);
                // RFC 7162 section 3.2.3: QRESYNC implies CONDSTORE.
                if (name.equals("QRESYNC")) session.enable("CONDSTORE");
                enabled.append(' ').append(name.equals("IMAP4REV2") ? "IMAP4rev2" : name);
            }
        }
        session.untagged("ENABLED" + enabled);
        session.ok(request, "ENABLE completed");
    }
}
