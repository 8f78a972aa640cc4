package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;
import java.util.ArrayList;
import java.util.List;
import org.mailroom.core.store.MessageRecord;
import org.mailroom.protocol.imap.SelectedMailbox;

/**
 * CLOSE (RFC 9051 section 6.4.1): silently expunges the \Deleted messages (unless the mailbox was opened with
 * EXAMINE) and leaves the mailbox. No EXPUNGE responses: the client leaves the SELECTED state.
 */
public final class CloseCommand implements ImapCommand {
    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        request.args().end();
        SelectedMailbox selected = session.selected();
        if (!selected.readOnly()) {
            List<Long> deleted = new ArrayList<>();
            for (MessageRecord m : session.store().messages(selected.mailbox().id())) {
                if (m.flags().contains("\\Deleted")) deleted.add(m.uid());
            }
            if (!deleted.isEmpty()) session.store().expunge(selected.mailbox().id(), deleted);
        }
        session.unselect();
        session.ok(request, "CLOSE completed");
    }
}
