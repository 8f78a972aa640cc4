package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.mailroom.core.mime.MessageHeaders;
import org.mailroom.core.mime.MessageStructure;
import org.mailroom.core.store.MessageRecord;
import org.mailroom.protocol.imap.Arguments;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.BaseSubject;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.ImapValue;
import org.mailroom.protocol.imap.SelectedMailbox;

/**
 * A message that SORT or THREAD (RFC 5256) orders: its number, record and the header fields they compare. The
 * headers come from {@link #headers}, the one place that reads them.
 */
record SortedMessage(int msn, MessageRecord record, MessageHeaders headers, BaseSubject subject) {

    /** RFC 5256 section 2.2: the Date field, or the internal date when it is missing or unreadable. */
    Instant sentDate() {
        return headers.date() != null ? headers.date() : record.internalDate();
    }

    long number(boolean uid) {
        return uid ? record.uid() : msn;
    }

    /**
     * The decoded header fields of a message. XXX: parses the message from its blob each time; when the store
     * keeps decoded headers from delivery (wt-imapmime), read them from there instead, here and only here.
     */
    static MessageHeaders headers(ImapSession session, MessageRecord record) throws IOException {
        try (InputStream in = session.blobs().open(record.blobId())) {
            return MessageStructure.parse(in).headers();
        }
    }

    /**
     * {@code charset search-criteria} as SORT and THREAD take them (RFC 5256 section 3): the messages of the
     * selected mailbox that match, in sequence number order, with their headers read.
     */
    static List<SortedMessage> matching(ImapSession session, Arguments args)
            throws IOException, BadCommandException, UnsupportedCharset {
        String charset = args.astring("the charset");
        if (!charset.equalsIgnoreCase("UTF-8") && !charset.equalsIgnoreCase("US-ASCII")) {
            throw new UnsupportedCharset(charset);
        }
        List<ImapValue> rest = new ArrayList<>();
        while (args.hasNext()) rest.add(args.value("a search key"));
        if (rest.isEmpty()) throw new BadCommandException("Missing search criteria");
        Iterator<ImapValue> it = rest.iterator();
        boolean[] usesModSeq = {false};
        List<SearchCommand.Key> keys = new ArrayList<>();
        while (it.hasNext()) keys.add(SearchCommand.key(it, usesModSeq, session));

        SelectedMailbox selected = session.selected();
        int count = selected.count();
        long maxUid = count == 0 ? 0 : selected.get(count).uid();
        List<SortedMessage> found = new ArrayList<>();
        for (int msn = 1; msn <= count; msn++) {
            MessageRecord m = selected.get(msn);
            if (selected.isExpunged(m.uid())) continue;
            SearchCommand.Candidate c = new SearchCommand.Candidate(session, msn, m, maxUid, count);
            boolean all = true;
            for (SearchCommand.Key k : keys) {
                if (!k.matches(c)) {
                    all = false;
                    break;
                }
            }
            if (!all) continue;
            MessageHeaders h = headers(session, m);
            found.add(new SortedMessage(msn, m, h, BaseSubject.of(h.subject())));
        }
        return found;
    }

    /** The client named a charset we do not search in: NO [BADCHARSET], not BAD. */
    static final class UnsupportedCharset extends Exception {
        UnsupportedCharset(String charset) {
            super(charset);
        }
    }
}
