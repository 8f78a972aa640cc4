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
 * 7162: VANISHED instead of EXPUNGE) and UTF8=ACCEPT (RFC 6855: mailbox names in UTF-8 in responses); others are
 * ignored, as the RFC asks.
 */
public final class EnableCommand implements ImapCommand {
    private static final Set<String> KNOWN = Set.of("IMAP4REV2", "CONDSTORE", "QRESYNC", "UTF8=ACCEPT");

    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        if (!request.args().hasNext()) throw new BadCommandException("ENABLE needs at least one capability");
        StringBuilder enabled = new StringBuilder();
        while (request.args().hasNext()) {
            String name = request.args().atom("a capability").toUpperCase(Locale.ROOT);
            // RFC 6855 section 3: UTF8=ACCEPT only in the authenticated state; later it is ignored like any unknown.
            if (name.equals("UTF8=ACCEPT") && session.state() != ImapSession.State.AUTHENTICATED) continue;
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
