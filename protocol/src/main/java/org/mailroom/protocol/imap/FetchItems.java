package org.mailroom.protocol.imap;

import java.util.TreeSet;
import org.mailroom.core.store.MessageRecord;

/** Pieces of FETCH responses that other commands send too (STORE, and unsolicited flag changes). */
public final class FetchItems {

    private FetchItems() {}

    /**
     * {@code FLAGS (...) UID n}, with \Recent where this session sees it (IMAP4rev1, RFC 3501 section 2.3.2), and
     * {@code MODSEQ (n)} once CONDSTORE is on (RFC 7162 section 3.2.4).
     */
    public static String flags(ImapSession session, MessageRecord m) {
        StringBuilder s = new StringBuilder("FLAGS (").append(String.join(" ", new TreeSet<>(m.flags())));
        SelectedMailbox selected = session.selected();
        if (selected != null && selected.isRecent(m.uid())) s.append(m.flags().isEmpty() ? "\\Recent" : " \\Recent");
        s.append(") UID ").append(m.uid());
        if (session.isEnabled("CONDSTORE")) s.append(" MODSEQ (").append(m.modSeq()).append(')');
        return s.toString();
    }
}
