package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;
import java.util.Optional;
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
        if (request.args().peekList()) {
            for (var p : request.args().list("select parameters")) {
                if (p instanceof org.mailroom.protocol.imap.ImapValue.Atom a && a.is("CONDSTORE")) {
                    session.enable("CONDSTORE");
                } else {
                    throw new BadCommandException("Unknown SELECT parameter");
                }
            }
        }
        request.args().end();
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
        if (session.rev2()) session.untagged("LIST () \"/\" " + org.mailroom.protocol.imap.ImapStrings.mailbox(name));
        session.ok(request, (readOnly ? "[READ-ONLY] EXAMINE" : "[READ-WRITE] SELECT") + " completed");
    }
}
