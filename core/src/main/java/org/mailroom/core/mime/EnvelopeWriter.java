package org.mailroom.core.mime;

import java.util.List;

/**
 * The IMAP ENVELOPE of one header block (RFC 9051 section 7.5.2, RFC 3501 section 7.4.2):
 * {@code (date subject from sender reply-to to cc bcc in-reply-to message-id)}, raw values (encoded words
 * kept), NIL for absent fields, sender and reply-to copied from from when absent or empty.
 */
final class EnvelopeWriter {

    // RFC 3501 section 7.4.2: a NIL host name means group syntax, so an address without a domain must
    // still have one. These placeholders are what clients already see from other servers.
    static final String MISSING_MAILBOX = "MISSING_MAILBOX";
    static final String MISSING_DOMAIN = "MISSING_DOMAIN";

    private EnvelopeWriter() {}

    static String render(HeaderFields h) {
        StringBuilder out = new StringBuilder(256);
        out.append('(');
        ImapText.nstring(out, h.first("Date"));
        out.append(' ');
        ImapText.nstring(out, h.first("Subject"));
        List<AddressParser.Item> from = AddressParser.parse(h.first("From"));
        List<AddressParser.Item> sender = AddressParser.parse(h.first("Sender"));
        List<AddressParser.Item> replyTo = AddressParser.parse(h.first("Reply-To"));
        out.append(' ');
        addresses(out, from);
        out.append(' ');
        addresses(out, sender.isEmpty() ? from : sender);
        out.append(' ');
        addresses(out, replyTo.isEmpty() ? from : replyTo);
        for (String name : new String[] {"To", "Cc", "Bcc"}) {
            out.append(' ');
            addresses(out, AddressParser.parse(h.first(name)));
        }
        out.append(' ');
        ImapText.nstring(out, h.first("In-Reply-To"));
        out.append(' ');
        ImapText.nstring(out, h.first("Message-ID"));
        out.append(')');
        return out.toString();
    }

    private static void addresses(StringBuilder out, List<AddressParser.Item> items) {
        if (items.isEmpty()) {
            out.append("NIL");
            return;
        }
        out.append('(');
        for (AddressParser.Item a : items) {
            out.append('(');
            switch (a.kind()) {
                case GROUP_START:
                    out.append("NIL NIL ");
                    ImapText.string(out, a.mailbox());
                    out.append(" NIL");
                    break;
                case GROUP_END:
                    out.append("NIL NIL NIL NIL");
                    break;
                default:
                    ImapText.nstring(out, a.name());
                    out.append(' ');
                    ImapText.nstring(out, a.route());
                    out.append(' ');
                    ImapText.string(out, a.mailbox() == null || a.mailbox().isEmpty() ? MISSING_MAILBOX : a.mailbox());
                    out.append(' ');
                    ImapText.string(out, a.host() == null || a.host().isEmpty() ? MISSING_DOMAIN : a.host());
            }
            out.append(')');
        }
        out.append(')');
    }
}
