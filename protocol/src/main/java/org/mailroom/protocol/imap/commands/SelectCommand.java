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
import org.mailroom.core.store.MailStore;
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
            session.untagged(selected.recentCount() + " RECENT");
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
     * QRESYNC (uidvalidity modseq [known-uids] [(known-sequence-set known-uid-set)]) (RFC 7162 section 3.2.5): if the
     * client's UIDVALIDITY is still right, what vanished and what changed since its MODSEQ, so it need not fetch
     * everything again. Flag changes are always exact (every message keeps its MODSEQ). Vanished UIDs are exact
     * while the expunge records since that MODSEQ are kept; when some were pruned (store.expunged_kept), the answer
     * is every UID of known-uids (default 1 to UIDNEXT-1) that is not in the mailbox, which section 3.2.5.2
     * allows, narrowed by the sequence-match data: a pair (n, u) that still holds now proves no message up to UID
     * u was expunged (UIDs only grow, so n messages up to u then and now are the same messages).
     */
    private static void resynchronize(ImapSession session, SelectedMailbox selected, List<ImapValue> params)
            throws IOException, BadCommandException {
        if (params.size() < 2) throw new BadCommandException("QRESYNC needs UIDVALIDITY and MODSEQ");
        long uidValidity = Arguments.number(Arguments.text(params.get(0), "the UIDVALIDITY"), "UIDVALIDITY");
        long modSeq = Arguments.number(Arguments.text(params.get(1), "the MODSEQ"), "MODSEQ");
        SequenceSet known = null;
        List<ImapValue> seqMatch = null;
        for (int i = 2; i < params.size(); i++) {
            if (params.get(i) instanceof ImapValue.ListValue l && seqMatch == null) {
                seqMatch = l.items();
            } else if (known == null && seqMatch == null) {
                known = SequenceSet.parse(Arguments.text(params.get(i), "the known UIDs"));
            } else {
                throw new BadCommandException("Bad QRESYNC parameters");
            }
        }
        if (seqMatch != null && seqMatch.size() != 2) throw new BadCommandException("Bad QRESYNC sequence match data");
        if (uidValidity != selected.mailbox().uidValidity()) return;
        MailStore.Vanished records = session.store().vanishedSince(selected.mailbox().id(), modSeq);
        String vanished;
        if (records.complete(modSeq)) {
            List<Long> uids = new ArrayList<>();
            for (long uid : records.uids()) if (known == null || known.contains(uid, Long.MAX_VALUE)) uids.add(uid);
            vanished = SequenceSet.format(uids);
        } else {
            long matched = seqMatch == null ? 0 : matchedUid(selected, seqMatch);
            SequenceSet range = known != null ? known : SequenceSet.parse("1:*");
            vanished = range.missing(matched, selected.mailbox().uidNext() - 1, selected.uids());
        }
        if (!vanished.isEmpty()) session.untagged("VANISHED (EARLIER) " + vanished);
        for (int msn = 1; msn <= selected.count(); msn++) {
            MessageRecord m = selected.get(msn);
            if (m.modSeq() > modSeq) session.untagged(msn + " FETCH (" + FetchItems.flags(session, m) + ")");
        }
    }

    /**
     * The highest UID of the client's sequence-match pairs that still sits at the same sequence number: up to it
     * nothing was expunged. Pairs are matched in order (RFC 7162 section 3.2.5.2); a malformed pair list is a BAD.
     */
    private static long matchedUid(SelectedMailbox selected, List<ImapValue> seqMatch) throws BadCommandException {
        List<Long> msns = numbers(Arguments.text(seqMatch.get(0), "the known sequence set"));
        List<Long> uids = numbers(Arguments.text(seqMatch.get(1), "the known UID set"));
        if (msns.size() != uids.size()) throw new BadCommandException("Sequence match sets differ in length");
        long matched = 0;
        for (int i = 0; i < msns.size(); i++) {
            long msn = msns.get(i);
            if (msn >= 1 && msn <= selected.count() && selected.get((int) msn).uid() == uids.get(i)) {
                matched = Math.max(matched, uids.get(i));
            }
        }
        return matched;
    }

    /** The numbers of a sequence set given without {@code *}, in the client's order; bounded by its size. */
    private static List<Long> numbers(String text) throws BadCommandException {
        List<Long> out = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String[] ends = part.split(":", -1);
            if (ends.length > 2) throw new BadCommandException("Bad sequence match data");
            long a = Arguments.number(ends[0], "sequence match data");
            long b = ends.length == 2 ? Arguments.number(ends[1], "sequence match data") : a;
            if (Math.abs(b - a) > 100_000 || out.size() > 100_000) throw new BadCommandException("[LIMIT] Sequence match data too long");
            for (long n = a; a <= b ? n <= b : n >= b; n += a <= b ? 1 : -1) out.add(n);
        }
        return out;
    }
}
