package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.core.store.Quota;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;

/**
 * GETQUOTA (RFC 9208): each account has one quota root, "", which holds every mailbox of the account, with the
 * STORAGE resource only, and the account's own limit (or the default). Without a limit there is no quota root at
 * all, so GETQUOTA "" is a NO too.
 */
public final class GetQuotaCommand implements ImapCommand {
    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        String root = request.args().astring("the quota root");
        request.args().end();
        if (!root.isEmpty() || !session.quota().limited(session.account())) {
            session.no(request, "[NONEXISTENT] No such quota root");
            return;
        }
        session.untagged(quota(session.quota(), session.account()));
        session.ok(request, "GETQUOTA completed");
    }

    /**
     * {@code QUOTA "" (STORAGE used limit)}. STORAGE counts units of 1024 octets (RFC 9208): the usage is rounded
     * up and the limit down, so a client never sees room that is not there.
     */
    static String quota(Quota quota, String account) throws IOException {
        long used = (quota.usage(account) + 1023) / 1024;
        return "QUOTA \"\" (STORAGE " + used + " " + quota.limit(account) / 1024 + ")";
    }
}
