package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.MailboxNames;
import org.mailroom.protocol.imap.Request;

/**
 * GETQUOTAROOT (RFC 9208): every mailbox of the account is under its root "", answered with the QUOTAROOT and
 * the QUOTA of that root (the account's own limit, or the default). Without a limit, the QUOTAROOT response names
 * no root.
 */
public final class GetQuotaRootCommand implements ImapCommand {
    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        String name = MailboxNames.fromClient(request.args().astring("the mailbox name"));
        request.args().end();
        if (session.store().mailbox(session.account(), name).isEmpty()) {
            session.no(request, "[NONEXISTENT] No mailbox " + name);
            return;
        }
        String mailbox = MailboxNames.toClient(session, name);
        if (session.quota().limited(session.account())) {
            session.untagged("QUOTAROOT " + mailbox + " \"\"");
            session.untagged(GetQuotaCommand.quota(session.quota(), session.account()));
        } else {
            session.untagged("QUOTAROOT " + mailbox);
        }
        session.ok(request, "GETQUOTAROOT completed");
    }
}
