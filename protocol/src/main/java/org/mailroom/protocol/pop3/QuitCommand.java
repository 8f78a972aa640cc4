package org.mailroom.protocol.pop3;

import java.io.IOException;
import java.util.List;

/** QUIT (RFC 1939 sections 5 and 6): after login, the UPDATE state removes the marked messages. */
final class QuitCommand implements Pop3Command {

    @Override
    public void execute(Pop3Session s, String[] args, String rest) {
        if (s.state == Pop3Session.State.AUTHORIZATION) {
            s.outcome = "QUIT";
            s.replyAndClose("+OK " + s.settings.hostname() + " signing off");
            return;
        }
        // RFC 1939 section 6: only now are the marked messages removed.
        s.state = Pop3Session.State.UPDATE;
        List<Long> uids = s.maildrop.deletedUids();
        try {
            if (!uids.isEmpty()) s.store.expunge(s.maildrop.mailboxId(), uids);
        } catch (IOException | RuntimeException e) {
            Pop3Session.LOG.warn("POP3 expunge at QUIT failed for {}", s.account, e);
            s.outcome = "QUIT, expunge failed";
            s.releaseLock();
            // RFC 2449 section 8.2: [SYS/TEMP], the client may try again later.
            s.replyAndClose("-ERR [SYS/TEMP] marked messages were not removed, try again later");
            return;
        }
        s.deleted = uids.size();
        s.outcome = "QUIT";
        // Unlock before the reply, so a client that reconnects at once does not find the maildrop locked.
        s.releaseLock();
        s.replyAndClose("+OK " + s.settings.hostname() + " signing off (" + s.maildrop.count() + " messages left)");
    }
}
