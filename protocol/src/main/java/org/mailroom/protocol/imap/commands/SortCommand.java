package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.mailroom.core.mime.Address;
import org.mailroom.protocol.imap.Arguments;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.BaseSubject;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.ImapValue;
import org.mailroom.protocol.imap.Request;

/**
 * SORT and UID SORT (RFC 5256 section 3): {@code SORT (REVERSE DATE SUBJECT) UTF-8 ALL}. Keys ARRIVAL, CC, DATE,
 * FROM, SIZE, SUBJECT (base subject, section 2.1), TO, each optionally after REVERSE; strings compare with
 * i;ascii-casemap; messages equal on every key keep sequence number order (section 3, last paragraph).
 */
public final class SortCommand implements ImapCommand {

    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        Arguments args = request.args();
        List<ImapValue> criteria = args.list("the sort criteria");
        if (criteria.isEmpty()) throw new BadCommandException("SORT needs at least one sort key");
        Comparator<SortedMessage> order = null;
        boolean reverse = false;
        for (ImapValue v : criteria) {
            String key = Arguments.text(v, "a sort key").toUpperCase(Locale.ROOT);
            if (key.equals("REVERSE")) {
                if (reverse) throw new BadCommandException("REVERSE twice");
                reverse = true;
                continue;
            }
            Comparator<SortedMessage> one = comparator(key);
            if (reverse) one = one.reversed();
            reverse = false;
            order = order == null ? one : order.thenComparing(one);
        }
        if (reverse || order == null) throw new BadCommandException("REVERSE must be followed by a sort key");
        List<SortedMessage> messages;
        try {
            messages = new ArrayList<>(SortedMessage.matching(session, args));
        } catch (SortedMessage.UnsupportedCharset e) {
            session.no(request, "[BADCHARSET (UTF-8 US-ASCII)] Unsupported charset " + e.getMessage());
            return;
        }
        messages.sort(order.thenComparingInt(SortedMessage::msn));
        StringBuilder s = new StringBuilder("SORT");
        for (SortedMessage m : messages) s.append(' ').append(m.number(request.uid()));
        session.untagged(s.toString());
        session.ok(request, request.fullName() + " completed");
    }

    private static Comparator<SortedMessage> comparator(String key) throws BadCommandException {
        switch (key) {
            case "ARRIVAL": return Comparator.comparing(m -> m.record().internalDate());
            case "DATE": return Comparator.comparing(SortedMessage::sentDate);
            case "SIZE": return Comparator.comparingLong(m -> m.record().size());
            case "SUBJECT": return (a, b) -> BaseSubject.compareCaseMapped(a.subject().text(), b.subject().text());
            case "FROM": return byMailbox(m -> m.headers().from());
            case "TO": return byMailbox(m -> m.headers().to());
            case "CC": return byMailbox(m -> m.headers().cc());
            default: throw new BadCommandException("Unknown sort key " + key);
        }
    }

    /** RFC 5256 section 3: the addr-mailbox (local part) of the first address; none sorts as "". */
    private static Comparator<SortedMessage> byMailbox(java.util.function.Function<SortedMessage, List<Address>> field) {
        return (a, b) -> BaseSubject.compareCaseMapped(firstMailbox(field.apply(a)), firstMailbox(field.apply(b)));
    }

    private static String firstMailbox(List<Address> addresses) {
        return addresses.isEmpty() ? "" : addresses.get(0).mailbox();
    }
}
