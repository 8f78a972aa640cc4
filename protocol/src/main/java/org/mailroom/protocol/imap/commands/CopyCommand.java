package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;
import java.util.ArrayList;
import java.util.List;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.Mailbox;
import org.mailroom.protocol.imap.MailboxNames;
import org.mailroom.protocol.imap.SelectedMailbox;
import org.mailroom.protocol.imap.SequenceSet;

/**
 * COPY and UID COPY (RFC 9051 section 6.4.7), answering COPYUID (RFC 4315 section 3). A copy adds the messages'
 * sizes to the account's usage, so it may be refused with NO [OVERQUOTA] (RFC 9208). MOVE never is: source and
 * target are in the same quota root, whose usage a move leaves as it was, and a user over quota must still be
 * able to move mail to Trash.
 */
public final class CopyCommand implements ImapCommand {
    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        SequenceSet set = session.selected().sequenceSet(request.args().atom("the sequence set"));
        String name = MailboxNames.fromClient(request.args().astring("the target mailbox"));
        request.args().end();
        Mailbox target = target(session, request, name);
        if (target == null) return;
        SelectedMailbox selected = session.selected();
        List<Long> uids = uids(selected, set, request.uid());
        long adding = 0;
        for (int msn : selected.resolve(set, request.uid())) adding += selected.get(msn).size();
        if (!session.quota().allows(session.account(), adding)) {
            session.no(request, "[OVERQUOTA] Storage quota exceeded");
            return;
        }
        MailStore.Copied copied = session.store().copy(selected.mailbox().id(), uids, target.id());
        if (target.id() == selected.mailbox().id()) selected.markChanged();
        session.ok(request, copyUid(copied) + request.fullName() + " completed");
    }

    /** The target mailbox of a COPY or MOVE; null, with NO [TRYCREATE] replied, if it does not exist. */
    static Mailbox target(ImapSession session, Request request, String name) throws IOException {
        Mailbox target = session.store().mailbox(session.account(), name).orElse(null);
        if (target == null) session.no(request, "[TRYCREATE] No mailbox " + name);
        return target;
    }

    static List<Long> uids(SelectedMailbox selected, SequenceSet set, boolean byUid) {
        List<Long> uids = new ArrayList<>();
        for (int msn : selected.resolve(set, byUid)) uids.add(selected.get(msn).uid());
        return uids;
    }

    /** {@code [COPYUID validity source-set target-set] }, or nothing when nothing was copied. */
    static String copyUid(MailStore.Copied copied) {
        if (copied.sourceUids().isEmpty()) return "";
        return "[COPYUID " + copied.targetUidValidity() + " " + SequenceSet.format(copied.sourceUids()) + " "
                + SequenceSet.format(copied.targetUids()) + "] ";
    }
}
