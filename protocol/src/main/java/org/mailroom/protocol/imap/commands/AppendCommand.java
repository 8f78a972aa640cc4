package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.Mailbox;
import org.mailroom.protocol.imap.Flags;
import org.mailroom.protocol.imap.ImapValue;
import org.mailroom.protocol.imap.MailboxNames;

/**
 * APPEND (RFC 9051 section 6.3.12): flags, internal date, then the message as a literal. The literal's size is
 * checked by the decoder (APPENDLIMIT). The answer names the new UID (UIDPLUS, RFC 4315 section 3).
 */
public final class AppendCommand implements ImapCommand {
    /** date-time, RFC 9051 section 9: "dd-Mon-yyyy hh:mm:ss +zzzz" with a space-padded day. */
    static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("[ ]d-MMM-yyyy HH:mm:ss Z", Locale.ROOT);

    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        String name = MailboxNames.fromClient(request.args().astring("the mailbox name"));
        Set<String> flags = Set.of();
        if (request.args().peekList()) flags = Flags.parse(request.args().list("flags"));
        Instant internalDate = Instant.now();
        if (request.args().peek() instanceof ImapValue.Text t && !t.literal()) {
            internalDate = parseDate(t.string());
            request.args().value("the date");
        }
        ImapValue.Text message = request.args().literalOrString("the message literal");
        request.args().end();
        Mailbox mailbox = session.store().mailbox(session.account(), name).orElse(null);
        if (mailbox == null) {
            session.no(request, "[TRYCREATE] No mailbox " + name);
            return;
        }
        String blobId;
        try (BlobStore.BlobWriter writer = session.blobs().create()) {
            writer.write(message.bytes());
            blobId = writer.commit();
        }
        MailStore.Placed placed = session.store().deliver(
                new MailStore.NewMessage(blobId, message.bytes().length, internalDate),
                List.of(new MailStore.Target(session.account(), name, flags))).get(0);
        if (session.selected() != null && session.selected().mailbox().id() == placed.mailboxId()) {
            session.selected().markChanged();
        }
        session.ok(request, "[APPENDUID " + mailbox.uidValidity() + " " + placed.uid() + "] APPEND completed");
    }

    static Instant parseDate(String text) throws BadCommandException {
        try {
            return ZonedDateTime.parse(text, DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadCommandException("Bad date-time " + text);
        }
    }
}
