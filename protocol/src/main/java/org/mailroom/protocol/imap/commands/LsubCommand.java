package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;
import java.util.List;
import java.util.regex.Pattern;

/** LSUB (RFC 3501 section 6.3.9; gone from IMAP4rev2 but still used by rev1 clients): subscribed names. */
public final class LsubCommand implements ImapCommand {
    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        String reference = request.args().astring("the reference name");
        String pattern = request.args().astring("the mailbox pattern");
        request.args().end();
        List<Pattern> matchers = List.of(ListCommand.pattern(reference, pattern));
        for (String name : session.store().subscriptions(session.account())) {
            if (ListCommand.matches(matchers, name)) {
                session.untagged("LSUB () \"/\" " + org.mailroom.protocol.imap.MailboxNames.toClient(session, name));
            }
        }
        session.ok(request, "LSUB completed");
    }
}
