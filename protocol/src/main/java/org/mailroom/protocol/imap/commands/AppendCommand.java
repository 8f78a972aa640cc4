package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.Mailbox;
import org.mailroom.protocol.imap.Arguments;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.Flags;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.ImapValue;
import org.mailroom.protocol.imap.MailboxNames;
import org.mailroom.protocol.imap.Request;
import org.mailroom.protocol.imap.SequenceSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * APPEND (RFC 9051 section 6.3.12) with MULTIAPPEND (RFC 3502): after the mailbox name come one or more
 * messages, each with optional flags and internal date. All of them are stored in one store transaction or none
 * is (RFC 3502 section 6.3.11), and the answer names the new UIDs as a set (UIDPLUS, RFC 4315 section 3).
 *
 * <p>A message is a literal, a literal8 ({@code ~{n}}, RFC 3516), or {@code UTF8 (~{n})} (RFC 6855 section 4:
 * a message with UTF-8 headers; we store it as it is, since we announce UTF8=ACCEPT). Each literal's size is
 * checked by the decoder (APPENDLIMIT); the decoder also bounds the whole command, so one MULTIAPPEND carries at
 * most about APPENDLIMIT octets in total. A client that sends more gets a BAD and can append them one by one.
 */
public final class AppendCommand implements ImapCommand {

    private static final Logger LOG = LoggerFactory.getLogger(AppendCommand.class);

    /** date-time, RFC 9051 section 9: "dd-Mon-yyyy hh:mm:ss +zzzz" with a space-padded day. */
    static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("[ ]d-MMM-yyyy HH:mm:ss Z", Locale.ROOT);

    /** One message of the command, as the client gave it. */
    private record Message(Set<String> flags, Instant internalDate, byte[] bytes) {}

    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        Arguments args = request.args();
        String name = MailboxNames.fromClient(args.astring("the mailbox name"));
        List<Message> messages = new ArrayList<>();
        do {
            messages.add(message(args));
        } while (args.hasNext());

        Mailbox mailbox = session.store().mailbox(session.account(), name).orElse(null);
        if (mailbox == null) {
            session.no(request, "[TRYCREATE] No mailbox " + name);
            return;
        }

        long total = 0;
        for (Message m : messages) total += m.bytes().length;
        if (!session.quota().allows(session.account(), total)) {
            // RFC 9208: the whole (MULTI)APPEND is refused, nothing is stored.
            session.no(request, "[OVERQUOTA] Storage quota exceeded");
            return;
        }

        List<String> blobIds = new ArrayList<>();
        List<MailStore.Placed> placed;
        try {
            List<MailStore.Appending> appending = new ArrayList<>();
            for (Message m : messages) {
                String blobId = writeBlob(session.blobs(), m.bytes());
                blobIds.add(blobId);
                appending.add(new MailStore.Appending(
                        new MailStore.NewMessage(blobId, m.bytes().length, m.internalDate()),
                        new MailStore.Target(session.account(), name, m.flags())));
            }
            placed = session.store().appendAll(appending);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(session.blobs(), blobIds);
            throw e;
        }
        if (session.selected() != null && session.selected().mailbox().id() == mailbox.id()) {
            session.selected().markChanged();
        }
        List<Long> uids = new ArrayList<>();
        for (MailStore.Placed p : placed) uids.add(p.uid());
        session.ok(request, "[APPENDUID " + mailbox.uidValidity() + " " + SequenceSet.format(uids)
                + "] APPEND completed");
    }

    /** {@code [flag-list] [date-time] (literal | literal8 | "UTF8" SP "(" literal8 ")")}. */
    private static Message message(Arguments args) throws BadCommandException {
        Set<String> flags = Set.of();
        if (args.peekList()) flags = Flags.parse(args.list("flags"));
        Instant internalDate = Instant.now();
        if (args.peek() instanceof ImapValue.Text t && !t.literal()) {
            internalDate = parseDate(t.string());
            args.value("the date");
        }
        if (args.peekAtom("UTF8")) {
            args.atom("UTF8");
            List<ImapValue> inner = args.list("the UTF8 message");
            if (inner.size() != 1 || !(inner.get(0) instanceof ImapValue.Text t) || !t.literal()) {
                throw new BadCommandException("UTF8 must be followed by (~{n}) with the message");
            }
            return new Message(flags, internalDate, t.bytes());
        }
        ImapValue.Text message = args.literalOrString("the message literal");
        if (!message.literal()) throw new BadCommandException("The message must be a literal");
        return new Message(flags, internalDate, message.bytes());
    }

    private static String writeBlob(BlobStore blobs, byte[] bytes) throws IOException {
        try (BlobStore.BlobWriter writer = blobs.create()) {
            writer.write(bytes);
            return writer.commit();
        }
    }

    /** The transaction failed, so no record refers to these blobs. */
    private static void deleteQuietly(BlobStore blobs, List<String> blobIds) {
        for (String id : blobIds) {
            try {
                blobs.delete(id);
            } catch (IOException e) {
                LOG.warn("could not delete blob {} of a failed APPEND", id, e);
            }
        }
    }

    static Instant parseDate(String text) throws BadCommandException {
        try {
            return ZonedDateTime.parse(text, DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadCommandException("Bad date-time " + text);
        }
    }
}
