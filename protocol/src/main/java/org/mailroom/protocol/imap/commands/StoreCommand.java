package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.mailroom.core.store.MailStore.FlagOp;
import org.mailroom.core.store.MessageRecord;
import org.mailroom.protocol.imap.FetchItems;
import org.mailroom.protocol.imap.Flags;
import org.mailroom.protocol.imap.ImapValue;
import org.mailroom.protocol.imap.SelectedMailbox;
import org.mailroom.protocol.imap.SequenceSet;

/**
 * STORE (RFC 9051 section 6.4.6): FLAGS, +FLAGS, -FLAGS, each optionally .SILENT; flags in a list or bare.
 * With {@code (UNCHANGEDSINCE n)} (CONDSTORE, RFC 7162 section 3.1.3) messages changed after n are left alone
 * and reported in {@code [MODIFIED set]}. The new flags of each message come back as FETCH unless silent.
 */
public final class StoreCommand implements ImapCommand {
    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        SequenceSet set = session.selected().sequenceSet(request.args().atom("the sequence set"));
        long unchangedSince = -1;
        if (request.args().peekList()) {
            List<ImapValue> modifiers = request.args().list("store modifiers");
            if (modifiers.size() != 2 || !(modifiers.get(0) instanceof ImapValue.Atom a) || !a.is("UNCHANGEDSINCE")) {
                throw new BadCommandException("Unknown STORE modifier");
            }
            unchangedSince = org.mailroom.protocol.imap.Arguments.number(
                    org.mailroom.protocol.imap.Arguments.text(modifiers.get(1), "a mod-sequence"), "UNCHANGEDSINCE");
            session.enable("CONDSTORE");
        }
        String item = request.args().atom("FLAGS, +FLAGS or -FLAGS").toUpperCase(Locale.ROOT);
        boolean silent = item.endsWith(".SILENT");
        String base = silent ? item.substring(0, item.length() - ".SILENT".length()) : item;
        FlagOp op = switch (base) {
            case "FLAGS" -> FlagOp.REPLACE;
            case "+FLAGS" -> FlagOp.ADD;
            case "-FLAGS" -> FlagOp.REMOVE;
            default -> throw new BadCommandException("Unknown STORE item " + item);
        };
        List<ImapValue> values = new ArrayList<>();
        if (request.args().peekList()) {
            values.addAll(request.args().list("flags"));
        } else {
            while (request.args().hasNext()) values.add(request.args().value("a flag"));
        }
        request.args().end();
        Set<String> flags = Flags.parse(values);
        SelectedMailbox selected = session.selected();
        if (selected.readOnly()) {
            session.no(request, "[READ-ONLY] Mailbox is read-only");
            return;
        }
        List<Integer> msns = selected.resolve(set, request.uid());
        List<Long> uids = new ArrayList<>();
        List<Long> modified = new ArrayList<>();
        for (int msn : msns) {
            MessageRecord m = selected.get(msn);
            if (unchangedSince >= 0 && m.modSeq() > unchangedSince) modified.add(request.uid() ? m.uid() : msn);
            else uids.add(m.uid());
        }
        Set<Long> toChange = new java.util.HashSet<>(uids);
        for (MessageRecord changed : session.store().updateFlags(selected.mailbox().id(), uids, op, flags)) {
            selected.updated(changed);
        }
        if (!silent || unchangedSince >= 0) {
            for (int msn : msns) {
                MessageRecord m = selected.get(msn);
                if (!toChange.contains(m.uid())) continue;
                session.untagged(msn + " FETCH (" + FetchItems.flags(session, m) + ")");
            }
        }
        if (!modified.isEmpty()) {
            session.ok(request, "[MODIFIED " + SequenceSet.format(modified) + "] Conditional STORE failed");
            return;
        }
        session.ok(request, request.fullName() + " completed");
    }
}
