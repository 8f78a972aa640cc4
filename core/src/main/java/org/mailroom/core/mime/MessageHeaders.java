package org.mailroom.core.mime;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The header fields SEARCH, SORT (RFC 5256) and THREAD need, decoded once from the same parse as the
 * ENVELOPE: the subject with RFC 2047 words decoded, addresses with decoded names, the date as an instant
 * (null when absent or unreadable), and the message identifiers as written (angle brackets kept).
 * Absent text fields are null; absent address fields are empty lists.
 */
public record MessageHeaders(String subject, Instant date, List<Address> from, List<Address> sender,
                             List<Address> replyTo, List<Address> to, List<Address> cc, List<Address> bcc,
                             String messageId, String inReplyTo, List<String> references) {

    public MessageHeaders {
        from = List.copyOf(from);
        sender = List.copyOf(sender);
        replyTo = List.copyOf(replyTo);
        to = List.copyOf(to);
        cc = List.copyOf(cc);
        bcc = List.copyOf(bcc);
        references = List.copyOf(references);
    }

    static MessageHeaders of(HeaderFields h) {
        return new MessageHeaders(EncodedWords.decode(h.first("Subject")), DateParser.parse(h.first("Date")),
                addresses(h.first("From")), addresses(h.first("Sender")), addresses(h.first("Reply-To")),
                addresses(h.first("To")), addresses(h.first("Cc")), addresses(h.first("Bcc")),
                h.first("Message-ID"), h.first("In-Reply-To"), messageIds(h.first("References")));
    }

    private static List<Address> addresses(String value) {
        List<Address> out = new ArrayList<>();
        for (AddressParser.Item item : AddressParser.parse(value)) {
            if (item.kind() != AddressParser.Item.Kind.MAILBOX) continue;
            out.add(new Address(item.name() == null ? null : EncodedWords.decode(item.name()),
                    item.mailbox() == null ? "" : item.mailbox(), item.host() == null ? "" : item.host()));
        }
        return out;
    }

    /** The {@code <...>} identifiers of a References field (RFC 5322 section 3.6.4), in order. */
    static List<String> messageIds(String value) {
        List<String> out = new ArrayList<>();
        if (value == null) return out;
        int i = 0;
        while (true) {
            int open = value.indexOf('<', i);
            if (open < 0) break;
            int close = value.indexOf('>', open);
            if (close < 0) break;
            out.add(value.substring(open, close + 1).replaceAll("\\s+", ""));
            i = close + 1;
        }
        return out;
    }
}
