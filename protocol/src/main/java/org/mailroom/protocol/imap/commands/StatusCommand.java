package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;
import java.util.List;
import java.util.Locale;
import org.mailroom.core.store.Mailbox;
import org.mailroom.core.store.MessageRecord;
import org.mailroom.protocol.imap.Arguments;
import org.mailroom.protocol.imap.ImapValue;
import org.mailroom.protocol.imap.MailboxNames;

/**
 * STATUS (RFC 9051 section 6.3.11): MESSAGES, UIDNEXT, UIDVALIDITY, UNSEEN, DELETED, SIZE (RFC 8438), RECENT
 * (the messages no SELECT has claimed yet, RFC 3501 section 2.3.2), HIGHESTMODSEQ (RFC 7162), DELETED-STORAGE (RFC 9208). {@link #status} also
 * answers LIST-STATUS.
 */
public final class StatusCommand implements ImapCommand {
    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        String name = MailboxNames.fromClient(request.args().astring("the mailbox name"));
        List<ImapValue> items = request.args().list("the status items");
        request.args().end();
        if (items.isEmpty()) throw new BadCommandException("STATUS needs at least one item");
        Mailbox mailbox = session.store().mailbox(session.account(), name).orElse(null);
        if (mailbox == null) {
            session.no(request, "[NONEXISTENT] No mailbox " + name);
            return;
        }
        session.untagged(status(session, mailbox, items));
        session.ok(request, "STATUS completed");
    }

    /** {@code STATUS "name" (MESSAGES 3 ...)}. */
    static String status(ImapSession session, Mailbox mailbox, List<ImapValue> items)
            throws IOException, BadCommandException {
        List<MessageRecord> messages = null;
        StringBuilder s = new StringBuilder("STATUS ").append(MailboxNames.toClient(session, mailbox.name())).append(" (");
        for (ImapValue item : items) {
            String key = Arguments.text(item, "a status item").toUpperCase(Locale.ROOT);
            long value;
            switch (key) {
                case "MESSAGES" -> value = mailbox.messages();
                case "UIDNEXT" -> value = mailbox.uidNext();
                case "UIDVALIDITY" -> value = mailbox.uidValidity();
                case "RECENT" -> value = session.store().recentCount(mailbox.id()); // not yet claimed
                case "SIZE" -> value = mailbox.size();
                case "HIGHESTMODSEQ" -> value = mailbox.highestModSeq();
                case "DELETED-STORAGE" -> {
                    // RFC 9208: what EXPUNGE would free; the sum of the RFC822.SIZEs of the \Deleted messages.
                    if (messages == null) messages = session.store().messages(mailbox.id());
                    value = messages.stream().filter(m -> m.flags().contains("\\Deleted"))
                            .mapToLong(MessageRecord::size).sum();
                }
                case "UNSEEN", "DELETED" -> {
                    if (messages == null) messages = session.store().messages(mailbox.id());
                    String flag = key.equals("UNSEEN") ? "\\Seen" : "\\Deleted";
                    boolean want = key.equals("DELETED");
                    value = messages.stream().filter(m -> m.flags().contains(flag) == want).count();
                }
                default -> throw new BadCommandException("Unknown status item " + key);
            }
            if (s.charAt(s.length() - 1) != '(') s.append(' ');
            s.append(key).append(' ').append(value);
        }
        return s.append(')').toString();
    }
}
