package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.mailroom.core.mime.Address;
import org.mailroom.core.mime.HeaderFilter;
import org.mailroom.core.mime.MessageHeaders;
import org.mailroom.core.mime.MessageStructure;
import org.mailroom.core.mime.Section;
import org.mailroom.core.store.MessageRecord;
import org.mailroom.protocol.imap.Arguments;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.ImapValue;
import org.mailroom.protocol.imap.MessageStructureSource;
import org.mailroom.protocol.imap.Request;
import org.mailroom.protocol.imap.SelectedMailbox;
import org.mailroom.protocol.imap.SearchText;
import org.mailroom.protocol.imap.SequenceSet;

/**
 * SEARCH and UID SEARCH (RFC 9051 section 6.4.4) with every RFC 3501 key, MODSEQ (RFC 7162), CHARSET US-ASCII
 * or UTF-8, ESEARCH return options MIN, MAX, COUNT, ALL (RFC 4731) and SAVE with {@code $} (SEARCHRES,
 * RFC 5182). The answer is {@code * SEARCH} unless
 * the client asked for RETURN options or enabled IMAP4rev2, then {@code * ESEARCH}.
 *
 * <p>Header keys (FROM, TO, CC, BCC, SUBJECT, HEADER, SENTBEFORE/ON/SINCE) use the headers decoded at delivery
 * and kept with the message's structure: RFC 2047 words decoded, addresses as {@code Name <box@host>}; they read
 * no message file (HEADER of a field the structure does not keep reads the header block only). BODY and TEXT
 * read the message and compare, case-insensitively, with what the user sees ({@link SearchText}): text parts
 * transfer-decoded and converted from their charsets, attachments left out; TEXT adds the decoded header fields.
 */
public final class SearchCommand implements ImapCommand {

    private static final DateTimeFormatter SEARCH_DATE = DateTimeFormatter.ofPattern("d-MMM-yyyy", Locale.ROOT);

    /** A search key: does this message match? */
    interface Key {
        boolean matches(Candidate c) throws IOException;
    }

    /** A message being tested; its structure is fetched, and its bytes read, at most once. */
    static final class Candidate {
        final ImapSession session;
        final int msn;
        final MessageRecord record;
        final long maxUid;
        final int count;
        private byte[] bytes;
        private MessageStructure structure;

        Candidate(ImapSession session, int msn, MessageRecord record, long maxUid, int count) {
            this.session = session;
            this.msn = msn;
            this.record = record;
            this.maxUid = maxUid;
            this.count = count;
        }

        byte[] bytes() throws IOException {
            if (bytes == null) {
                try (InputStream in = session.blobs().open(record.blobId())) {
                    bytes = in.readAllBytes();
                }
            }
            return bytes;
        }

        MessageStructure structure() throws IOException {
            if (structure == null) structure = session.structure().structure(record);
            return structure;
        }

        MessageHeaders headers() throws IOException {
            return structure().headers();
        }

        /** The text parts as the user reads them (SearchText): decoded, in their charsets. */
        String body() throws IOException {
            return SearchText.body(bytes(), structure().root());
        }

        /** The header, encoded words decoded, and the text parts as in {@link #body}. */
        String text() throws IOException {
            return SearchText.text(bytes(), structure().root());
        }

        /** The values of one header field of the message, unfolded; read from the header block alone. */
        List<String> field(String name) throws IOException {
            byte[] header = session.structure().section(record,
                    new Section(List.of(), Section.Specifier.HEADER, List.of()), -1, -1);
            String lines = new String(HeaderFilter.filter(header, List.of(name), false), StandardCharsets.UTF_8);
            List<String> values = new ArrayList<>();
            for (String field : lines.split("\r?\n(?![ \t])")) {
                int colon = field.indexOf(':');
                if (colon > 0) values.add(field.substring(colon + 1).replaceAll("\r?\n", "").strip());
            }
            return values;
        }
    }

    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        Arguments args = request.args();
        Set<String> returns = null;
        if (args.peekAtom("RETURN")) {
            args.atom("RETURN");
            returns = new TreeSet<>();
            for (ImapValue v : args.list("return options")) {
                String option = Arguments.text(v, "a return option").toUpperCase(Locale.ROOT);
                if (!Set.of("MIN", "MAX", "COUNT", "ALL", "SAVE").contains(option)) {
                    throw new BadCommandException("Unknown return option " + option);
                }
                returns.add(option);
            }
            if (returns.isEmpty()) returns.add("ALL");
        }
        if (args.peekAtom("CHARSET")) {
            args.atom("CHARSET");
            // RFC 6855 section 3: a UTF8=ACCEPT client must not name a charset; SHOULD be rejected with BAD.
            if (session.isEnabled("UTF8=ACCEPT")) throw new BadCommandException("No CHARSET after ENABLE UTF8=ACCEPT");
            String charset = args.astring("the charset");
            if (!charset.equalsIgnoreCase("UTF-8") && !charset.equalsIgnoreCase("US-ASCII")) {
                session.no(request, "[BADCHARSET (UTF-8 US-ASCII)] Unsupported charset " + charset);
                return;
            }
        }
        List<Key> keys = new ArrayList<>();
        List<ImapValue> rest = new ArrayList<>();
        while (args.hasNext()) rest.add(args.value("a search key"));
        if (rest.isEmpty()) throw new BadCommandException("SEARCH needs a search key");
        Iterator<ImapValue> it = rest.iterator();
        boolean[] usesModSeq = {false};
        while (it.hasNext()) keys.add(key(it, usesModSeq, session));
        Key all = c -> {
            for (Key k : keys) if (!k.matches(c)) return false;
            return true;
        };

        SelectedMailbox selected = session.selected();
        int count = selected.count();
        long maxUid = count == 0 ? 0 : selected.get(count).uid();
        List<Long> found = new ArrayList<>();
        List<Long> foundUids = new ArrayList<>();
        long highestModSeq = 0;
        boolean structured = false;
        for (ImapValue v : rest) structured |= needsStructure(v);
        for (int msn = 1; msn <= count; msn++) {
            if (structured && msn % MessageStructureSource.BATCH == 1) {
                List<MessageRecord> batch = new ArrayList<>();
                for (int k = msn; k <= Math.min(count, msn + MessageStructureSource.BATCH - 1); k++) {
                    batch.add(selected.get(k));
                }
                session.structure().prefetch(batch);
            }
            MessageRecord m = selected.get(msn);
            if (selected.isExpunged(m.uid())) continue;
            if (all.matches(new Candidate(session, msn, m, maxUid, count))) {
                found.add(request.uid() ? m.uid() : (long) msn);
                foundUids.add(m.uid());
                highestModSeq = Math.max(highestModSeq, m.modSeq());
            }
        }
        if (returns != null && returns.contains("SAVE")) {
            // RFC 5182 section 2.1: kept as UIDs, so it survives expunges; SAVE alone sends no ESEARCH. With only
            // MIN and/or MAX beside it, only those are saved (section 2.4).
            List<Long> saved = foundUids;
            if (!foundUids.isEmpty() && !returns.contains("ALL") && !returns.contains("COUNT")
                    && (returns.contains("MIN") || returns.contains("MAX"))) {
                saved = new ArrayList<>();
                if (returns.contains("MIN")) saved.add(foundUids.get(0));
                if (returns.contains("MAX") && foundUids.size() > 1) saved.add(foundUids.get(foundUids.size() - 1));
            }
            selected.saveSearch(saved);
            returns.remove("SAVE");
            if (returns.isEmpty()) {
                session.ok(request, request.fullName() + " completed, result saved");
                return;
            }
        }
        if (returns == null && !session.rev2()) {
            StringBuilder s = new StringBuilder("SEARCH");
            for (long n : found) s.append(' ').append(n);
            if (usesModSeq[0] && !found.isEmpty()) s.append(" (MODSEQ ").append(highestModSeq).append(')');
            session.untagged(s.toString());
        } else {
            if (returns == null) returns = Set.of("ALL");
            StringBuilder s = new StringBuilder("ESEARCH (TAG ").append(org.mailroom.protocol.imap.ImapStrings
                    .string(request.tag())).append(')');
            if (request.uid()) s.append(" UID");
            if (returns.contains("MIN") && !found.isEmpty()) s.append(" MIN ").append(found.get(0));
            if (returns.contains("MAX") && !found.isEmpty()) s.append(" MAX ").append(found.get(found.size() - 1));
            if (returns.contains("COUNT")) s.append(" COUNT ").append(found.size());
            if (returns.contains("ALL") && !found.isEmpty()) s.append(" ALL ").append(SequenceSet.format(found));
            if (usesModSeq[0] && !found.isEmpty()) s.append(" MODSEQ ").append(highestModSeq);
            session.untagged(s.toString());
        }
        session.ok(request, request.fullName() + " completed");
    }

    static Key key(Iterator<ImapValue> it, boolean[] usesModSeq, ImapSession session)
            throws BadCommandException {
        if (!it.hasNext()) throw new BadCommandException("Missing search key");
        ImapValue v = it.next();
        if (v instanceof ImapValue.ListValue list) {
            if (list.items().isEmpty()) throw new BadCommandException("Empty search list");
            List<Key> inner = new ArrayList<>();
            Iterator<ImapValue> sub = list.items().iterator();
            while (sub.hasNext()) inner.add(key(sub, usesModSeq, session));
            return c -> {
                for (Key k : inner) if (!k.matches(c)) return false;
                return true;
            };
        }
        String word = Arguments.text(v, "a search key");
        String upper = word.toUpperCase(Locale.ROOT);
        switch (upper) {
            case "ALL": return c -> true;
            case "ANSWERED": return flag("\\Answered", true);
            case "DELETED": return flag("\\Deleted", true);
            case "DRAFT": return flag("\\Draft", true);
            case "FLAGGED": return flag("\\Flagged", true);
            case "SEEN": return flag("\\Seen", true);
            case "UNANSWERED": return flag("\\Answered", false);
            case "UNDELETED": return flag("\\Deleted", false);
            case "UNDRAFT": return flag("\\Draft", false);
            case "UNFLAGGED": return flag("\\Flagged", false);
            case "UNSEEN": return flag("\\Seen", false);
            // \Recent is per session (RFC 3501 section 2.3.2); NEW is RECENT UNSEEN.
            case "RECENT": return c -> c.session.selected().isRecent(c.record.uid());
            case "NEW": return c -> c.session.selected().isRecent(c.record.uid()) && !hasFlag(c, "\\Seen");
            case "OLD": return c -> !c.session.selected().isRecent(c.record.uid());
            case "KEYWORD": return flag(string(it, "a keyword"), true);
            case "UNKEYWORD": return flag(string(it, "a keyword"), false);
            case "BCC", "CC", "FROM", "SUBJECT", "TO": {
                String needle = string(it, "the search text");
                return c -> contains(stored(c.headers(), upper), needle);
            }
            case "HEADER": {
                String field = string(it, "a header name").toUpperCase(Locale.ROOT);
                String needle = string(it, "the search text");
                if (STORED_FIELDS.contains(field)) return c -> contains(stored(c.headers(), field), needle);
                return c -> {
                    for (String value : c.field(field)) if (containsIgnoreCase(value, needle)) return true;
                    return false;
                };
            }
            case "BODY": {
                String needle = string(it, "the search text");
                return c -> containsIgnoreCase(c.body(), needle);
            }
            case "TEXT": {
                String needle = string(it, "the search text");
                return c -> containsIgnoreCase(c.text(), needle);
            }
            case "LARGER": {
                long n = Arguments.number(string(it, "a size"), "LARGER");
                return c -> c.record.size() > n;
            }
            case "SMALLER": {
                long n = Arguments.number(string(it, "a size"), "SMALLER");
                return c -> c.record.size() < n;
            }
            case "BEFORE", "ON", "SINCE": {
                LocalDate d = date(string(it, "a date"));
                return c -> compare(internalDate(c), d, upper);
            }
            case "SENTBEFORE", "SENTON", "SENTSINCE": {
                LocalDate d = date(string(it, "a date"));
                String op = upper.substring(4);
                return c -> {
                    LocalDate sent = sentDate(c.structure());
                    return sent != null && compare(sent, d, op);
                };
            }
            case "UID": {
                SequenceSet set = session.selected().sequenceSet(string(it, "a UID set"));
                return c -> set.contains(c.record.uid(), c.maxUid);
            }
            case "$": {
                SequenceSet saved = session.selected().sequenceSet("$");
                return c -> saved.contains(c.record.uid(), c.maxUid);
            }
            case "NOT": {
                Key inner = key(it, usesModSeq, session);
                return c -> !inner.matches(c);
            }
            case "OR": {
                Key a = key(it, usesModSeq, session);
                Key b = key(it, usesModSeq, session);
                return c -> a.matches(c) || b.matches(c);
            }
            case "MODSEQ": {
                // MODSEQ [entry-name entry-type] mod-sequence (RFC 7162 section 3.1.5); entries ignored.
                String first = string(it, "a mod-sequence");
                if (!first.chars().allMatch(Character::isDigit)) {
                    string(it, "an entry type");
                    first = string(it, "a mod-sequence");
                }
                long n = Arguments.number(first, "MODSEQ");
                usesModSeq[0] = true;
                session.enable("CONDSTORE");
                return c -> c.record.modSeq() >= n;
            }
            default:
                if (SequenceSet.looksLikeOne(word)) {
                    SequenceSet set = SequenceSet.parse(word);
                    return c -> set.contains(c.msn, c.count);
                }
                throw new BadCommandException("Unknown search key " + word);
        }
    }

    /** Keys that look at the stored structure: their messages are fetched from the store in batches. */
    private static final Set<String> STRUCTURE_KEYS = Set.of("BCC", "CC", "FROM", "SUBJECT", "TO", "HEADER",
            "SENTBEFORE", "SENTON", "SENTSINCE", "BODY", "TEXT");

    private static boolean needsStructure(ImapValue v) {
        if (v instanceof ImapValue.ListValue list) {
            for (ImapValue item : list.items()) if (needsStructure(item)) return true;
            return false;
        }
        return v instanceof ImapValue.Atom a && STRUCTURE_KEYS.stream().anyMatch(a::is);
    }

    private static Key flag(String flag, boolean present) {
        return c -> hasFlag(c, flag) == present;
    }

    private static boolean hasFlag(Candidate c, String flag) {
        return c.record.flags().stream().anyMatch(f -> f.equalsIgnoreCase(flag));
    }

    private static String string(Iterator<ImapValue> it, String what) throws BadCommandException {
        if (!it.hasNext()) throw new BadCommandException("Missing " + what);
        return Arguments.text(it.next(), what);
    }

    /** The header fields kept, decoded, with the structure: HEADER of these reads no file. */
    private static final Set<String> STORED_FIELDS = Set.of("SUBJECT", "FROM", "SENDER", "REPLY-TO", "TO", "CC",
            "BCC", "MESSAGE-ID", "IN-REPLY-TO", "REFERENCES");

    /** A stored field as text, null when the message has none. Addresses read {@code Name <box@host>, ...}. */
    private static String stored(MessageHeaders h, String field) {
        switch (field) {
            case "SUBJECT": return h.subject();
            case "FROM": return addresses(h.from());
            case "SENDER": return addresses(h.sender());
            case "REPLY-TO": return addresses(h.replyTo());
            case "TO": return addresses(h.to());
            case "CC": return addresses(h.cc());
            case "BCC": return addresses(h.bcc());
            case "MESSAGE-ID": return h.messageId();
            case "IN-REPLY-TO": return h.inReplyTo();
            default: return h.references().isEmpty() ? null : String.join(" ", h.references());
        }
    }

    private static String addresses(List<Address> list) {
        if (list.isEmpty()) return null;
        StringBuilder s = new StringBuilder();
        for (Address a : list) {
            if (s.length() > 0) s.append(", ");
            if (a.name() != null) s.append(a.name()).append(' ');
            s.append('<').append(a.address()).append('>');
        }
        return s.toString();
    }

    /** RFC 9051 section 6.4.4: a message without the field never matches, with it "" always does. */
    private static boolean contains(String value, String needle) {
        return value != null && containsIgnoreCase(value, needle);
    }

    private static boolean containsIgnoreCase(String haystack, String needle) {
        return haystack.toLowerCase(Locale.ROOT).contains(needle.toLowerCase(Locale.ROOT));
    }

    private static LocalDate date(String text) throws BadCommandException {
        try {
            return LocalDate.parse(text, SEARCH_DATE);
        } catch (DateTimeParseException e) {
            throw new BadCommandException("Bad date " + text);
        }
    }

    /** RFC 9051 section 6.4.4: dates without time or zone; the internal date is taken in UTC. */
    private static LocalDate internalDate(Candidate c) {
        return c.record.internalDate().atZone(ZoneOffset.UTC).toLocalDate();
    }

    private static boolean compare(LocalDate value, LocalDate d, String op) {
        return switch (op) {
            case "BEFORE" -> value.isBefore(d);
            case "ON" -> value.isEqual(d);
            default -> !value.isBefore(d);
        };
    }

    /**
     * The Date header's date in its own zone (RFC 9051 section 6.4.4 disregards time and zone): the ENVELOPE
     * keeps the field's text, the decoded headers only the instant, which we take in UTC if the text is not
     * RFC 5322 syntax. Null when there is no readable date.
     */
    static LocalDate sentDate(MessageStructure structure) {
        String envelope = structure.envelope();
        if (envelope.startsWith("(\"")) {
            StringBuilder text = new StringBuilder();
            for (int i = 2; i < envelope.length() && envelope.charAt(i) != '"'; i++) {
                if (envelope.charAt(i) == '\\' && i + 1 < envelope.length()) i++;
                text.append(envelope.charAt(i));
            }
            LocalDate date = sentDate(text.toString());
            if (date != null) return date;
        }
        return structure.headers().date() == null ? null
                : structure.headers().date().atZone(ZoneOffset.UTC).toLocalDate();
    }

    /** The Date header's date, in its own zone; null if it cannot be read. */
    static LocalDate sentDate(String value) {
        if (value == null) return null;
        String v = value.replaceAll("\\([^)]*\\)", "").trim().replaceAll("\\s+", " ");
        try {
            return ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toLocalDate();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
