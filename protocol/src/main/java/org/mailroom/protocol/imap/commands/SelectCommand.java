package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mailroom.protocol.imap.Arguments;
import org.mailroom.protocol.imap.FetchItems;
import org.mailroom.protocol.imap.ImapValue;
import org.mailroom.protocol.imap.SequenceSet;
import java.util.TreeSet;
import org.mailroom.core.store.Mailbox;
import org.mailroom.core.store.MessageRecord;
import org.mailroom.protocol.imap.MailboxNames;
import org.mailroom.protocol.imap.SelectedMailbox;

/**
 * SELECT and EXAMINE (RFC 9051 sections 6.3.2, 6.3.3). A failed SELECT leaves no mailbox selected. Keywords are
 * free-form, so PERMANENTFLAGS has {@code \*}. The optional {@code (CONDSTORE)} parameter enables CONDSTORE
 * (RFC 7162 section 3.1.8).
 */
public final class SelectCommand implements ImapCommand {
    private static final String SYSTEM_FLAGS = "\\Answered \\Flagged \\Deleted \\Seen \\Draft";
    private final boolean readOnly;

    public SelectCommand(boolean readOnly) {
        this.readOnly = readOnly;
    }

    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        String name = MailboxNames.fromClient(request.args().astring("the mailbox name"));
        List<ImapValue> qresync = null;
        if (request.args().peekList()) {
            List<ImapValue> params = request.args().list("select parameters");
            for (int i = 0; i < params.size(); i++) {
                ImapValue p = params.get(i);
                if (p instanceof ImapValue.Atom a && a.is("CONDSTORE")) {
                    session.enable("CONDSTORE");
                } else if (p instanceof ImapValue.Atom a && a.is("QRESYNC") && i + 1 < params.size()
                        && params.get(i + 1) instanceof ImapValue.ListValue l) {
                    if (!session.isEnabled("QRESYNC")) throw new BadCommandException("ENABLE QRESYNC first");
                    qresync = l.items();
                    i++;
                } else {
                    throw new BadCommandException("Unknown SELECT parameter");
                }
            }
        }
        request.args().end();
        // RFC 7162 section 3.2.11 and RFC 9051 section 7.1: the client learns where the old mailbox's responses end.
        if (session.selected() != null) session.untagged("OK [CLOSED] Previous mailbox closed");
        session.unselect();
        Optional<Mailbox> found = session.store().mailbox(session.account(), name);
        if (found.isEmpty()) {
            session.no(request, "[NONEXISTENT] No mailbox " + name);
            return;
        }
        session.select(found.get(), readOnly);
        SelectedMailbox selected = session.selected();
        Mailbox mailbox = selected.mailbox();
        TreeSet<String> keywords = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        int firstUnseen = 0;
        for (int msn = 1; msn <= selected.count(); msn++) {
            MessageRecord m = selected.get(msn);
            for (String f : m.flags()) if (!f.startsWith("\\")) keywords.add(f);
            if (firstUnseen == 0 && !m.flags().contains("\\Seen")) firstUnseen = msn;
        }
        String flags = SYSTEM_FLAGS + (keywords.isEmpty() ? "" : " " + String.join(" ", keywords));
        session.untagged(selected.count() + " EXISTS");
        if (!session.rev2()) {
            session.untagged("0 RECENT");
            if (firstUnseen > 0) session.untagged("OK [UNSEEN " + firstUnseen + "] First unseen");
        }
        session.untagged("FLAGS (" + flags + ")");
        session.untagged("OK [PERMANENTFLAGS (" + (readOnly ? "" : flags + " \\*") + ")] Flags allowed");
        session.untagged("OK [UIDVALIDITY " + mailbox.uidValidity() + "] UIDs valid");
        session.untagged("OK [UIDNEXT " + mailbox.uidNext() + "] Predicted next UID");
        session.untagged("OK [HIGHESTMODSEQ " + mailbox.highestModSeq() + "] Highest");
        if (session.rev2()) session.untagged("LIST () \"/\" " + org.mailroom.protocol.imap.MailboxNames.toClient(session, name));
        if (qresync != null) resynchronize(session, selected, qresync);
        session.ok(request, (readOnly ? "[READ-ONLY] EXAMINE" : "[READ-WRITE] SELECT") + " completed");
    }

    /**
     * QRESYNC (uidvalidity modseq [known-uids]) (RFC 7162 section 3.2.5): if the client's UIDVALIDITY is still
     * right, what vanished and what changed since its MODSEQ, so it need not fetch everything again. The optional
     * sequence-match data is not used: the expunge record is kept for good, so it is never needed.
     */
    private static void resynchronize(ImapSession session, SelectedMailbox selected, List<ImapValue> params)
            throws IOException, BadCommandException {
        if (params.size() < 2) throw new BadCommandException("QRESYNC needs UIDVALIDITY and MODSEQ");
        long uidValidity = Arguments.number(Arguments.text(params.get(0), "the UIDVALIDITY"), "UIDVALIDITY");
        long modSeq = Arguments.number(Arguments.text(params.get(1), "the MODSEQ"), "MODSEQ");
        SequenceSet known = params.size() > 2 && !(params.get(2) instanceof ImapValue.ListValue)
                ? SequenceSet.parse(Arguments.text(params.get(2), "the known UIDs")) : null;
        if (uidValidity != selected.mailbox().uidValidity()) return;
        long maxUid = Long.MAX_VALUE;
        List<Long> vanished = new ArrayList<>();
        for (long uid : session.store().expungedSince(selected.mailbox().id(), modSeq)) {
            if (known == null || known.contains(uid, maxUid)) vanished.add(uid);
        }
        if (!vanished.isEmpty()) session.untagged("VANISHED (EARLIER) " + SequenceSet.format(vanished));
        for (int msn = 1; msn <= selected.count(); msn++) {
            MessageRecord m = selected.get(msn);
            if (m.modSeq() > modSeq) session.untagged(msn + " FETCH (" + FetchItems.flags(session, m) + ")");
        }
    }
}
