package org.mailroom.protocol.imap.commands;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.mailroom.core.mime.MessageStructure;
import org.mailroom.core.mime.Section;
import org.mailroom.core.store.MailStore.FlagOp;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.MessageRecord;
import org.mailroom.protocol.imap.Arguments;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapParser;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.ImapValue;
import org.mailroom.protocol.imap.MessageStructureSource;
import org.mailroom.protocol.imap.MessageStructureSource.BlobRange;
import org.mailroom.protocol.imap.MessageStructureSource.UnknownEncodingException;
import org.mailroom.protocol.imap.Request;
import org.mailroom.protocol.imap.SelectedMailbox;
import org.mailroom.protocol.imap.SequenceSet;

/**
 * FETCH and UID FETCH (RFC 9051 section 6.4.5): FLAGS, INTERNALDATE, RFC822.SIZE, ENVELOPE, BODY, BODYSTRUCTURE,
 * UID, MODSEQ (RFC 7162), RFC822, RFC822.HEADER, RFC822.TEXT, BODY[section]&lt;partial&gt;, BODY.PEEK, and
 * BINARY, BINARY.PEEK, BINARY.SIZE (RFC 3516: the part with its transfer encoding undone). Sections:
 * part numbers, HEADER, HEADER.FIELDS (.NOT), TEXT, MIME. A non-PEEK body fetch sets \Seen (not on EXAMINE).
 * The {@code (CHANGEDSINCE n)} modifier (RFC 7162 section 3.1.4.1) limits the answer to messages changed after n.
 *
 * <p>ENVELOPE, BODY and BODYSTRUCTURE come from the structure stored at delivery; sections are read from their
 * byte range of the blob ({@link org.mailroom.protocol.imap.MessageStructureSource}), so FLAGS, UID, RFC822.SIZE,
 * ENVELOPE and BODYSTRUCTURE over a whole mailbox open no message file.
 */
public final class FetchCommand implements ImapCommand {

    static final DateTimeFormatter INTERNALDATE =
            DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** A section longer than this is streamed from the blob rather than read into memory. */
    static final long STREAMED_ABOVE = 256 * 1024;

    /** Items answered from the message's row alone. */
    private static final Set<String> NO_STRUCTURE = Set.of("FLAGS", "UID", "MODSEQ", "INTERNALDATE", "RFC822.SIZE");

    /**
     * Items that are text alone, with no message bytes and no \Seen to set: the row and the stored structure.
     * The common {@code FETCH 1:* (FLAGS UID RFC822.SIZE ENVELOPE)} of a client opening a mailbox is all of them.
     */
    private static final Set<String> TEXT_ONLY = Set.of("FLAGS", "UID", "MODSEQ", "INTERNALDATE", "RFC822.SIZE",
            "ENVELOPE", "BODY", "BODYSTRUCTURE");

    /** One thing asked for. For sections: {@code part} ("" or "1.2"), {@code text} ("", HEADER, ...). */
    record Item(String kind, String name, boolean peek, String part, String text, List<String> fields,
                long partialStart, long partialLength) {}

    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        SequenceSet set = session.selected().sequenceSet(request.args().atom("the sequence set"));
        List<Item> items = new ArrayList<>();
        ImapValue what = request.args().value("the fetch items");
        if (what instanceof ImapValue.ListValue list) {
            for (ImapValue v : list.items()) items.add(item(Arguments.text(v, "a fetch item")));
        } else {
            String macro = Arguments.text(what, "the fetch items").toUpperCase(Locale.ROOT);
            switch (macro) {
                case "ALL" -> addAll(items, "FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE");
                case "FAST" -> addAll(items, "FLAGS", "INTERNALDATE", "RFC822.SIZE");
                case "FULL" -> addAll(items, "FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY");
                default -> items.add(item(macro));
            }
        }
        long changedSince = -1;
        boolean vanished = false;
        if (request.args().peekList()) {
            List<ImapValue> modifiers = request.args().list("fetch modifiers");
            if (modifiers.size() < 2 || !(modifiers.get(0) instanceof ImapValue.Atom a) || !a.is("CHANGEDSINCE")) {
                throw new BadCommandException("Unknown FETCH modifier");
            }
            changedSince = Arguments.number(Arguments.text(modifiers.get(1), "a mod-sequence"), "CHANGEDSINCE");
            if (modifiers.size() == 3 && modifiers.get(2) instanceof ImapValue.Atom v && v.is("VANISHED")) {
                // RFC 7162 section 3.2.6: only UID FETCH, only once QRESYNC is enabled.
                if (!request.uid() || !session.isEnabled("QRESYNC")) {
                    throw new BadCommandException("VANISHED needs UID FETCH and ENABLE QRESYNC");
                }
                vanished = true;
            } else if (modifiers.size() != 2) {
                throw new BadCommandException("Unknown FETCH modifier");
            }
            session.enable("CONDSTORE");
            items.add(item("MODSEQ"));
        }
        request.args().end();
        if (items.stream().anyMatch(i -> i.kind.equals("MODSEQ"))) session.enable("CONDSTORE");
        if (request.uid() && items.stream().noneMatch(i -> i.kind.equals("UID"))) items.add(0, item("UID"));

        SelectedMailbox selected = session.selected();
        if (vanished) {
            MailStore.Vanished known = session.store().vanishedSince(selected.mailbox().id(), changedSince);
            String gone;
            if (known.complete(changedSince)) {
                List<Long> uids = new ArrayList<>();
                long maxUid = selected.count() == 0 ? 0 : selected.get(selected.count()).uid();
                for (long uid : known.uids()) if (set.contains(uid, Math.max(maxUid, uid))) uids.add(uid);
                gone = SequenceSet.format(uids);
            } else {
                // The records since changedSince were pruned: every UID of the set that is not here (RFC 7162
                // section 3.2.5.2 lets the server report UIDs the client never knew; it ignores them).
                gone = set.missing(0, selected.mailbox().uidNext() - 1, selected.uids());
            }
            if (!gone.isEmpty()) session.untagged("VANISHED (EARLIER) " + gone);
        }
        boolean structured = items.stream().anyMatch(i -> !NO_STRUCTURE.contains(i.kind));
        boolean textOnly = items.stream().allMatch(i -> TEXT_ONLY.contains(i.kind));
        StringBuilder line = new StringBuilder(1024); // one for every message of a text-only FETCH
        List<Integer> msns = selected.resolve(set, request.uid());
        for (int from = 0; from < msns.size(); from += MessageStructureSource.BATCH) {
            List<Integer> batch = msns.subList(from, Math.min(msns.size(), from + MessageStructureSource.BATCH));
            if (structured) session.structure().prefetch(batch.stream().map(selected::get).toList());
            for (int msn : batch) {
                MessageRecord m = selected.get(msn);
                if (changedSince >= 0 && m.modSeq() <= changedSince) continue;
                if (textOnly) {
                    respondText(session, msn, m, items, line);
                    continue;
                }
                try {
                    respond(session, selected, msn, m, items);
                } catch (UnknownEncodingException e) {
                    session.no(request, "[UNKNOWN-CTE] Cannot decode " + e.getMessage());
                    return;
                }
            }
        }
        session.ok(request, request.fullName() + " completed");
    }

    private static void addAll(List<Item> items, String... names) throws BadCommandException {
        for (String n : names) items.add(item(n));
    }

    static Item item(String raw) throws BadCommandException {
        String upper = raw.toUpperCase(Locale.ROOT);
        switch (upper) {
            case "FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY", "BODYSTRUCTURE", "UID", "MODSEQ",
                 "RFC822", "RFC822.HEADER", "RFC822.TEXT" -> {
                return new Item(upper, upper, false, "", "", List.of(), -1, -1);
            }
            default -> { }
        }
        if (upper.startsWith("BINARY")) return binaryItem(raw, upper);
        boolean peek = upper.startsWith("BODY.PEEK[");
        if (!peek && !upper.startsWith("BODY[")) throw new BadCommandException("Unknown fetch item " + raw);
        int open = upper.indexOf('[');
        int close = upper.lastIndexOf(']');
        if (close < open) throw new BadCommandException("Bad section " + raw);
        String section = upper.substring(open + 1, close);
        String rest = upper.substring(close + 1);
        long start = -1;
        long length = -1;
        if (!rest.isEmpty()) {
            if (!rest.startsWith("<") || !rest.endsWith(">") || !rest.contains(".")) {
                throw new BadCommandException("Bad partial " + rest);
            }
            String[] nums = rest.substring(1, rest.length() - 1).split("\\.", 2);
            start = Arguments.number(nums[0], "the partial start");
            length = Arguments.number(nums[1], "the partial length");
            if (length == 0) throw new BadCommandException("Partial length 0");
        }
        String part = "";
        String text = section;
        int i = 0;
        while (i < section.length() && (Character.isDigit(section.charAt(i)) || section.charAt(i) == '.')) i++;
        if (i > 0) {
            part = section.substring(0, i);
            if (part.endsWith(".")) part = part.substring(0, part.length() - 1);
            text = section.substring(i);
            if (part.startsWith(".") || part.contains("..") || part.matches("(^|.*\\.)0(\\..*|$)")) {
                throw new BadCommandException("Bad part number " + part);
            }
        }
        List<String> fields = List.of();
        String textKind = text;
        if (text.startsWith("HEADER.FIELDS")) {
            int paren = text.indexOf('(');
            if (paren < 0) throw new BadCommandException("HEADER.FIELDS needs a list of names");
            textKind = text.substring(0, paren).trim();
            fields = new ArrayList<>();
            byte[] list = ("x X " + text.substring(paren)).getBytes(StandardCharsets.UTF_8);
            for (ImapValue v : ((ImapValue.ListValue) ImapParser.parse(list).arguments().get(0)).items()) {
                fields.add(Arguments.text(v, "a header name"));
            }
            if (fields.isEmpty()) throw new BadCommandException("HEADER.FIELDS needs at least one name");
        }
        if (!Set.of("", "HEADER", "HEADER.FIELDS", "HEADER.FIELDS.NOT", "TEXT", "MIME").contains(textKind)) {
            throw new BadCommandException("Bad section " + section);
        }
        if (textKind.equals("MIME") && part.isEmpty()) throw new BadCommandException("MIME needs a part number");
        // The name in the response: BODY[section] with only the origin of a partial (RFC 9051 section 7.5.2).
        String name = "BODY[" + section + "]" + (start >= 0 ? "<" + start + ">" : "");
        return new Item("SECTION", name, peek, part, textKind, fields, start, length);
    }

    /** BINARY[part]&lt;partial&gt;, BINARY.PEEK[part]&lt;partial&gt;, BINARY.SIZE[part] (RFC 3516 section 4.2). */
    private static Item binaryItem(String raw, String upper) throws BadCommandException {
        boolean size = upper.startsWith("BINARY.SIZE[");
        boolean peek = upper.startsWith("BINARY.PEEK[");
        if (!size && !peek && !upper.startsWith("BINARY[")) throw new BadCommandException("Unknown fetch item " + raw);
        int open = upper.indexOf('[');
        int close = upper.indexOf(']');
        if (close < open) throw new BadCommandException("Bad section " + raw);
        String part = upper.substring(open + 1, close);
        if (!part.isEmpty() && !part.matches("[1-9][0-9]*(\\.[1-9][0-9]*)*")) {
            throw new BadCommandException("BINARY takes part numbers only");
        }
        String rest = upper.substring(close + 1);
        long start = -1;
        long length = -1;
        if (!rest.isEmpty()) {
            if (size || !rest.matches("<[0-9]+\\.[0-9]+>")) throw new BadCommandException("Bad partial " + rest);
            String[] nums = rest.substring(1, rest.length() - 1).split("\\.");
            start = Arguments.number(nums[0], "the partial start");
            length = Arguments.number(nums[1], "the partial length");
        }
        String name = (size ? "BINARY.SIZE[" : "BINARY[") + part + "]" + (start >= 0 ? "<" + start + ">" : "");
        return new Item(size ? "BINARY.SIZE" : "BINARY", name, peek || size, part, "", List.of(), start, length);
    }

    /** "1.2" as part numbers; "" is the whole message. */
    private static List<Integer> partNumbers(String part) {
        List<Integer> numbers = new ArrayList<>();
        if (!part.isEmpty()) for (String n : part.split("\\.")) numbers.add(Integer.parseInt(n));
        return numbers;
    }

    /** The section of a parsed item ({@code part} and {@code text} were checked by {@link #item}). */
    private static Section section(Item item) {
        Section.Specifier specifier = Section.Specifier.NONE;
        for (Section.Specifier s : Section.Specifier.values()) {
            if (s.text().equals(item.text)) specifier = s;
        }
        return new Section(partNumbers(item.part), specifier, item.fields);
    }

    /**
     * Sends one message's FETCH response. Sections above {@link #STREAMED_ABOVE} octets are streamed from the blob
     * ({@link ImapSession#sendBlob}); the rest of the response is built in memory.
     */
    /**
     * A FETCH response of {@link #TEXT_ONLY} items, built in one reused StringBuilder and encoded straight into the
     * reply buffer: no byte array per item and per message. The structure is read before anything is sent, so a
     * failure leaves no half response behind (as {@link #respond} does with its own buffer).
     */
    private static void respondText(ImapSession session, int msn, MessageRecord m, List<Item> items,
                                    StringBuilder line) throws IOException {
        line.setLength(0);
        line.append("* ").append(msn).append(" FETCH (");
        MessageStructure structure = null;
        boolean first = true;
        for (Item item : items) {
            if (!first) line.append(' ');
            first = false;
            structure = appendText(session, line, item, m, structure);
        }
        line.append(')');
        session.send(line);
    }

    /**
     * Appends one {@link #TEXT_ONLY} item, {@code NAME value}; the message's structure is read when an item first
     * needs it and returned for the next ones.
     */
    private static MessageStructure appendText(ImapSession session, StringBuilder line, Item item, MessageRecord m,
                                               MessageStructure structure) throws IOException {
        if (structure == null && !NO_STRUCTURE.contains(item.kind)) structure = session.structure().structure(m);
        switch (item.kind) {
            case "FLAGS" -> {
                line.append("FLAGS (").append(String.join(" ", new java.util.TreeSet<>(m.flags())));
                // \Recent is the session's, not the message's (RFC 3501 section 2.3.2); IMAP4rev1 only.
                if (session.selected().isRecent(m.uid())) line.append(m.flags().isEmpty() ? "\\Recent" : " \\Recent");
                line.append(')');
            }
            case "UID" -> line.append("UID ").append(m.uid());
            case "MODSEQ" -> line.append("MODSEQ (").append(m.modSeq()).append(')');
            case "INTERNALDATE" -> line.append("INTERNALDATE \"").append(INTERNALDATE.format(m.internalDate()))
                    .append('"');
            case "RFC822.SIZE" -> line.append("RFC822.SIZE ").append(m.size());
            case "ENVELOPE" -> line.append("ENVELOPE ").append(structure.envelope());
            case "BODY" -> line.append("BODY ").append(structure.body());
            case "BODYSTRUCTURE" -> line.append("BODYSTRUCTURE ").append(structure.bodyStructure());
            default -> throw new IllegalStateException("not a text-only item: " + item.kind);
        }
        return structure;
    }

    private static void respond(ImapSession session, SelectedMailbox selected, int msn, MessageRecord m,
                                List<Item> items) throws IOException, UnknownEncodingException {
        boolean setsSeen = !selected.readOnly() && !m.flags().contains("\\Seen") && items.stream().anyMatch(
                i -> ((i.kind.equals("SECTION") || i.kind.equals("BINARY")) && !i.peek) || i.kind.equals("RFC822")
                        || i.kind.equals("RFC822.TEXT"));
        boolean flagsAsked = items.stream().anyMatch(i -> i.kind.equals("FLAGS"));
        if (setsSeen) {
            for (MessageRecord changed : session.store().updateFlags(m.mailboxId(), List.of(m.uid()), FlagOp.ADD,
                    Set.of("\\Seen"))) {
                selected.updated(changed);
                m = changed;
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, "* " + msn + " FETCH (");
        MessageStructure structure = null;
        boolean first = true;
        for (Item item : items) {
            if (!first) out.write(' ');
            first = false;
            if (TEXT_ONLY.contains(item.kind)) {
                StringBuilder text = new StringBuilder();
                structure = appendText(session, text, item, m, structure);
                write(out, text.toString());
                continue;
            }
            switch (item.kind) {
                case "BINARY.SIZE", "BINARY" -> {
                    byte[] data = session.structure().binary(m, partNumbers(item.part));
                    if (item.kind.equals("BINARY.SIZE")) {
                        write(out, item.name + " " + data.length);
                    } else {
                        data = partial(data, item);
                        // literal8 only when the data holds NUL, which a plain literal may not (RFC 3516 section 4.3).
                        boolean nul = false;
                        for (byte b : data) nul |= b == 0;
                        write(out, item.name + (nul ? " ~{" : " {") + data.length + "}\r\n");
                        out.write(data);
                    }
                }
                default -> {
                    String name = item.name;
                    Item section = item;
                    switch (item.kind) {
                        case "RFC822" -> section = new Item("SECTION", name, false, "", "", List.of(), -1, -1);
                        case "RFC822.HEADER" -> section = new Item("SECTION", name, true, "", "HEADER", List.of(), -1, -1);
                        case "RFC822.TEXT" -> section = new Item("SECTION", name, false, "", "TEXT", List.of(), -1, -1);
                        default -> { }
                    }
                    Section wanted = section(section);
                    Optional<BlobRange> range = session.structure().range(m, wanted, section.partialStart,
                            section.partialLength);
                    if (range.isPresent() && range.get().length() > STREAMED_ABOVE) {
                        write(out, name + " {" + range.get().length() + "}\r\n");
                        session.sendBlob(out.toByteArray(), m.blobId(), range.get().offset(), range.get().length());
                        out.reset();
                    } else {
                        byte[] data = session.structure().section(m, wanted, section.partialStart,
                                section.partialLength);
                        write(out, name + " {" + data.length + "}\r\n");
                        out.write(data);
                    }
                }
            }
        }
        if (setsSeen && !flagsAsked) write(out, (first ? "" : " ") + "FLAGS (" + String.join(" ",
                new java.util.TreeSet<>(m.flags())) + ")");
        write(out, ")\r\n");
        session.send(out.toByteArray());
    }

    private static byte[] partial(byte[] data, Item item) {
        if (item.partialStart < 0) return data;
        int a = (int) Math.min(item.partialStart, data.length);
        int b = (int) Math.min(data.length, a + item.partialLength);
        return java.util.Arrays.copyOfRange(data, a, b);
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
}
