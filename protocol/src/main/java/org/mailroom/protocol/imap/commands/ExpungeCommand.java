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
import org.mailroom.protocol.imap.SequenceSet;

/**
 * EXPUNGE (RFC 9051 section 6.4.3) and UID EXPUNGE (RFC 4315 section 2.1, only the given UIDs): removes
 * \Deleted messages; the EXPUNGE responses come from the sync before the tagged OK.
 */
public final class ExpungeCommand implements ImapCommand {
    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        SequenceSet set = request.uid() ? session.selected().sequenceSet(request.args().atom("the UID set")) : null;
        request.args().end();
        SelectedMailbox selected = session.selected();
        if (selected.readOnly()) {
            session.no(request, "[READ-ONLY] Mailbox is read-only");
            return;
        }
        List<Long> uids = new ArrayList<>();
        long max = selected.count() == 0 ? 0 : selected.get(selected.count()).uid();
        for (MessageRecord m : session.store().messages(selected.mailbox().id())) {
            if (m.flags().contains("\\Deleted") && (set == null || set.contains(m.uid(), max))) uids.add(m.uid());
        }
        if (!uids.isEmpty()) {
            session.store().expunge(selected.mailbox().id(), uids);
            selected.markChanged();
        }
        session.ok(request, request.fullName() + " completed");
    }
}
