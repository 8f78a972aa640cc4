package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;
import java.util.List;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.Mailbox;
import org.mailroom.protocol.imap.MailboxNames;
import org.mailroom.protocol.imap.SelectedMailbox;
import org.mailroom.protocol.imap.SequenceSet;

/**
 * MOVE and UID MOVE (RFC 6851): one atomic store move; COPYUID comes in an untagged OK before the EXPUNGE
 * responses (RFC 6851 section 4.3), which the sync before the tagged OK sends.
 */
public final class MoveCommand implements ImapCommand {
    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        SequenceSet set = session.selected().sequenceSet(request.args().atom("the sequence set"));
        String name = MailboxNames.fromClient(request.args().astring("the target mailbox"));
        request.args().end();
        SelectedMailbox selected = session.selected();
        if (selected.readOnly()) {
            session.no(request, "[READ-ONLY] Mailbox is read-only");
            return;
        }
        Mailbox target = CopyCommand.target(session, request, name);
        if (target == null) return;
        if (target.id() == selected.mailbox().id()) {
            session.no(request, "[CANNOT] Source and target are the same mailbox");
            return;
        }
        List<Long> uids = CopyCommand.uids(selected, set, request.uid());
        MailStore.Copied moved = session.store().move(selected.mailbox().id(), uids, target.id());
        String copyUid = CopyCommand.copyUid(moved);
        if (!copyUid.isEmpty()) session.untagged("OK " + copyUid.trim() + " Moved");
        selected.markChanged();
        session.ok(request, request.fullName() + " completed");
    }
}
