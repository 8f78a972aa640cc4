package org.mailroom.protocol.imap;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.Mailbox;
import org.mailroom.core.store.MessageRecord;

/**
 * The selected mailbox as this session's client knows it: the message sequence number map (position i holds
 * message i+1) with each message's flags as last told to the client. {@link #sync} brings it up to date with
 * the store and tells the client the differences, so that sequence numbers on both sides always agree
 * (RFC 9051 section 2.3.1.2): a message expunged by another session keeps its number here until the client
 * has been sent its EXPUNGE.
 */
public final class SelectedMailbox {

    private final MailStore store;
    private Mailbox mailbox;
    private final boolean readOnly;
    private final Messages messages;
    /** Gone from the store, still numbered here: the EXPUNGE is owed. */
    private final Set<Long> expungedPending = new TreeSet<>();
    private boolean changed;
    /** New messages not yet announced with EXISTS. */
    private boolean arrived;
    /** Every change up to this MODSEQ is in {@link #messages} (or {@link #expungedPending}). */
    private long knownModSeq;
    /** The result of the last SEARCH RETURN (SAVE), as UIDs (RFC 5182); empty until one ran. */
    private List<Long> savedSearch = List.of();
    /** How this session sees \Recent (RFC 3501 section 2.3.2). */
    private final RecentMode recentMode;
    /**
     * The UIDs that are \Recent in this session, as ranges: pairs (above, upTo], ascending; null for none. A UID
     * range per claim, not a set of UIDs: a session that claimed 10,000 new messages holds two numbers. Ranges
     * only multiply when another session claims some arrivals between two of ours.
     */
    private long[] recent;

    /** Who may see and claim \Recent messages. */
    public enum RecentMode {
        /** SELECT in an IMAP4rev1 session: claims new messages, at SELECT and as they arrive. */
        CLAIM,
        /** EXAMINE in an IMAP4rev1 session: sees the unclaimed messages as recent, claims nothing. */
        LOOK,
        /** IMAP4rev2 (RFC 9051 removed \Recent): neither sees nor claims. */
        NONE
    }

    private SelectedMailbox(MailStore store, Mailbox mailbox, boolean readOnly, List<MessageRecord> messages,
                            RecentMode recentMode) {
        this.store = store;
        this.mailbox = mailbox;
        this.knownModSeq = mailbox.highestModSeq();
        this.readOnly = readOnly;
        this.messages = new Messages(mailbox.id(), messages);
        this.recentMode = recentMode;
    }

    /**
     * Opens with the message list read after the mailbox record, so nothing older than its HIGHESTMODSEQ is
     * missing; newer changes are read again at the first sync.
     */
    static SelectedMailbox open(MailStore store, Mailbox mailbox, boolean readOnly) throws IOException {
        return open(store, mailbox, readOnly, RecentMode.NONE);
    }

    /**
     * As above; with {@link RecentMode#CLAIM} the messages read are claimed as \Recent (the list may already hold
     * messages past the mailbox record's UIDNEXT), with {@link RecentMode#LOOK} those above the mark are shown so.
     */
    static SelectedMailbox open(MailStore store, Mailbox mailbox, boolean readOnly, RecentMode recentMode)
            throws IOException {
        List<MessageRecord> records = store.messages(mailbox.id());
        SelectedMailbox selected = new SelectedMailbox(store, mailbox, readOnly, records, recentMode);
        long lastUid = Math.max(mailbox.uidNext() - 1, records.isEmpty() ? 0 : records.get(records.size() - 1).uid());
        if (recentMode == RecentMode.CLAIM) {
            selected.claimRecent(lastUid);
        } else if (recentMode == RecentMode.LOOK) {
            long mark = store.recentMark(mailbox.id());
            if (mark < Long.MAX_VALUE) selected.recent = new long[] {mark, Long.MAX_VALUE};
        }
        return selected;
    }

    /** Claims up to {@code upToUid}; what the store gives this session joins its ranges. */
    private void claimRecent(long upToUid) throws IOException {
        long above = store.claimRecent(mailbox.id(), upToUid);
        if (above >= upToUid) return;
        if (recent != null && recent[recent.length - 1] == above) {
            recent[recent.length - 1] = upToUid; // adjacent to our last claim: one range
        } else {
            long[] grown = recent == null ? new long[2] : Arrays.copyOf(recent, recent.length + 2);
            grown[grown.length - 2] = above;
            grown[grown.length - 1] = upToUid;
            recent = grown;
        }
    }

    /** Whether the message is \Recent in this session (always false in IMAP4rev2). */
    public boolean isRecent(long uid) {
        if (recent == null) return false;
        for (int i = 0; i < recent.length; i += 2) if (uid > recent[i] && uid <= recent[i + 1]) return true;
        return false;
    }

    /** How many messages are \Recent in this session: the RECENT response (RFC 3501 section 7.3.2). */
    public int recentCount() {
        if (recent == null) return 0;
        int count = 0;
        for (int i = 0; i < messages.size(); i++) if (isRecent(messages.uid(i))) count++;
        return count;
    }

    /** Whether this session shows \Recent at all (IMAP4rev1). */
    public boolean showsRecent() {
        return recentMode != RecentMode.NONE;
    }

    public Mailbox mailbox() {
        return mailbox;
    }

    public boolean readOnly() {
        return readOnly;
    }

    public int count() {
        return messages.size();
    }

    /** Message {@code msn} (1-based). */
    public MessageRecord get(int msn) {
        return messages.get(msn - 1);
    }

    public boolean isExpunged(long uid) {
        return expungedPending.contains(uid);
    }

    public void saveSearch(List<Long> uids) {
        savedSearch = List.copyOf(uids);
    }

    /** A sequence set from a command: {@code $} is the saved search result (RFC 5182 section 2.1). */
    public SequenceSet sequenceSet(String text) throws BadCommandException {
        return text.equals("$") ? SequenceSet.ofUids(savedSearch) : SequenceSet.parse(text);
    }

    /** Messages of a sequence set, ascending; with {@code byUid} the set holds UIDs. Expunged ones are left out. */
    public List<Integer> resolve(SequenceSet set, boolean byUid) {
        byUid = byUid || set.holdsUids();
        List<Integer> out = new ArrayList<>();
        if (messages.isEmpty()) return out;
        long maxUid = messages.uid(messages.size() - 1);
        for (int i = 0; i < messages.size(); i++) {
            long uid = messages.uid(i);
            boolean in = byUid ? set.contains(uid, maxUid) : set.contains(i + 1, messages.size());
            if (in && !expungedPending.contains(uid)) out.add(i + 1);
        }
        return out;
    }

    /** The UIDs this session numbers, ascending (those whose EXPUNGE is still owed included). */
    public long[] uids() {
        long[] out = new long[messages.size()];
        for (int i = 0; i < out.length; i++) out[i] = messages.uid(i);
        return out;
    }

    /** The sequence number of a UID, or 0. */
    public int msnOf(long uid) {
        int lo = 0;
        int hi = messages.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long u = messages.uid(mid);
            if (u < uid) lo = mid + 1;
            else if (u > uid) hi = mid - 1;
            else return mid + 1;
        }
        return 0;
    }

    /**
     * Records what this session itself changed and told the client (STORE, FETCH setting \Seen). Every write to a
     * mailbox takes the next MODSEQ (HIGHESTMODSEQ + 1, RFC 7162 section 3.1.2), so a change of ours at exactly
     * {@code knownModSeq + 1} means nobody changed anything in between: we know the mailbox up to it, and the
     * sync after our own STORE reads the mailbox row alone instead of asking for changes we made ourselves.
     */
    public void updated(MessageRecord record) {
        int msn = msnOf(record.uid());
        if (msn > 0) messages.set(msn - 1, record);
        if (msn > 0 && record.modSeq() == knownModSeq + 1) knownModSeq = record.modSeq();
    }

    /** Something changed in the store (an event, or this session's own write): the next sync reads it. */
    public void markChanged() {
        changed = true;
    }

    /**
     * Tells the client what changed since it last heard: flags (FETCH), expunges (EXPUNGE, only if
     * {@code mayExpunge}), new messages (EXISTS).
     */
    public void sync(ImapSession session, boolean mayExpunge) throws IOException {
        if (changed) {
            changed = false;
            readChanges(session);
        }
        if (mayExpunge) expunge(session);
        if (arrived) {
            arrived = false;
            session.untagged(messages.size() + " EXISTS");
            // RFC 3501 section 7.3.2: the count of \Recent goes with every change of EXISTS in IMAP4rev1.
            if (showsRecent()) session.untagged(recentCount() + " RECENT");
        }
    }

    /**
     * Reads only what changed since the MODSEQ last seen (new and changed messages, expunged UIDs), not the whole
     * mailbox: a change in a 10,000-message mailbox costs each session on it a few rows, and no change costs the
     * mailbox's row alone. The mailbox's HIGHESTMODSEQ is read first, so every change up to it is in the two
     * answers; a change seen early, again next time, is harmless (each step below is idempotent).
     */
    private void readChanges(ImapSession session) throws IOException {
        Mailbox now = store.mailbox(mailbox.account(), mailbox.name()).orElse(null);
        if (now == null || now.id() != mailbox.id()) return; // renamed or deleted under us: nothing to compare
        if (now.highestModSeq() <= knownModSeq) {
            // Every append, flag change and expunge raises HIGHESTMODSEQ (RFC 7162 section 3.1.2): nothing new.
            // NOOP and most tagged replies end here, with one row read instead of three queries.
            mailbox = now;
            return;
        }
        long lastUid = messages.isEmpty() ? 0 : messages.uid(messages.size() - 1);
        long lastKnownUid = lastUid;
        MailStore.Vanished vanished = store.vanishedSince(mailbox.id(), knownModSeq);
        if (vanished.complete(knownModSeq)) {
            for (long uid : vanished.uids()) {
                if (msnOf(uid) > 0) expungedPending.add(uid);
            }
        } else {
            // The expunge records this session needed were pruned (it slept through more expunges than are kept):
            // what is gone is what we number and the store no longer has.
            Set<Long> present = new java.util.HashSet<>();
            for (MessageRecord m : store.messages(mailbox.id())) present.add(m.uid());
            for (int i = 0; i < messages.size(); i++) {
                if (!present.contains(messages.uid(i))) expungedPending.add(messages.uid(i));
            }
        }
        for (MessageRecord current : store.changedSince(mailbox.id(), knownModSeq)) {
            if (current.uid() > lastUid) {
                messages.add(current);
                lastUid = current.uid();
                arrived = true;
                continue;
            }
            int msn = msnOf(current.uid());
            if (msn == 0) continue;
            MessageRecord known = messages.get(msn - 1);
            messages.set(msn - 1, current);
            if (!current.flags().equals(known.flags())) {
                session.untagged(msn + " FETCH (" + FetchItems.flags(session, current) + ")");
            }
        }
        knownModSeq = Math.max(knownModSeq, now.highestModSeq());
        mailbox = now;
        // New messages are \Recent for the first session told of them (RFC 3501 section 2.3.2): claim them now.
        if (recentMode == RecentMode.CLAIM && lastUid > lastKnownUid) claimRecent(lastUid);
    }

    /** EXPUNGE per message, or one VANISHED with their UIDs once QRESYNC is on (RFC 7162 section 3.2.10). */
    private void expunge(ImapSession session) {
        if (expungedPending.isEmpty()) return;
        boolean vanished = session.isEnabled("QRESYNC");
        List<Long> gone = new ArrayList<>();
        for (long uid : expungedPending) {
            int msn = msnOf(uid);
            if (msn == 0) continue;
            messages.remove(msn - 1);
            if (vanished) gone.add(uid);
            else session.untagged(msn + " EXPUNGE");
        }
        expungedPending.clear();
        if (!gone.isEmpty()) session.untagged("VANISHED " + SequenceSet.format(gone));
    }

    /**
     * The message list in columns, not as one {@link MessageRecord} per message: every session keeps its own
     * copy of its selected mailbox, so 1,000 sessions on 200-message mailboxes held 200,000 records, each with its
     * Instant, its blob ID string and a list slot (about 160 octets a message, 32 MiB in all). Here a message is
     * about 45 octets: its numbers in arrays, its blob ID and flag set shared with every other session that sees
     * the same message. {@link #get} builds the record when a command asks for it (a short-lived object).
     */
    private static final class Messages {

        /**
         * Flag sets in use, shared: most messages carry one of a handful ({@code \Seen}, {@code \Seen \Answered}
         * ...). Bounded, because keywords are chosen by clients; past the bound a set is simply kept as read.
         */
        private static final Map<Set<String>, Set<String>> FLAG_SETS = new ConcurrentHashMap<>();
        private static final int FLAG_SETS_MAX = 4096;

        private final long mailboxId;
        private int size;
        private long[] uids;
        private long[] sizes;
        private long[] modSeqs;
        private long[] dateSeconds;
        private int[] dateNanos;
        private String[] blobIds;
        private Object[] flags;

        Messages(long mailboxId, List<MessageRecord> records) {
            this.mailboxId = mailboxId;
            int capacity = Math.max(4, records.size());
            uids = new long[capacity];
            sizes = new long[capacity];
            modSeqs = new long[capacity];
            dateSeconds = new long[capacity];
            dateNanos = new int[capacity];
            blobIds = new String[capacity];
            flags = new Object[capacity];
            for (MessageRecord record : records) add(record);
        }

        int size() {
            return size;
        }

        boolean isEmpty() {
            return size == 0;
        }

        long uid(int index) {
            return uids[index];
        }

        @SuppressWarnings("unchecked")
        MessageRecord get(int index) {
            if (index < 0 || index >= size) throw new IndexOutOfBoundsException(index);
            return new MessageRecord(mailboxId, uids[index], blobIds[index], sizes[index],
                    Instant.ofEpochSecond(dateSeconds[index], dateNanos[index]), (Set<String>) flags[index],
                    modSeqs[index]);
        }

        void add(MessageRecord record) {
            if (size == uids.length) grow();
            set(size++, record);
        }

        void set(int index, MessageRecord record) {
            uids[index] = record.uid();
            sizes[index] = record.size();
            modSeqs[index] = record.modSeq();
            dateSeconds[index] = record.internalDate().getEpochSecond();
            dateNanos[index] = record.internalDate().getNano();
            // intern(): the store reads a new string per row and session; the JVM's table keeps one per blob, and
            // drops it once no session holds it.
            blobIds[index] = record.blobId().intern();
            flags[index] = shared(record.flags());
        }

        void remove(int index) {
            int tail = size - index - 1;
            System.arraycopy(uids, index + 1, uids, index, tail);
            System.arraycopy(sizes, index + 1, sizes, index, tail);
            System.arraycopy(modSeqs, index + 1, modSeqs, index, tail);
            System.arraycopy(dateSeconds, index + 1, dateSeconds, index, tail);
            System.arraycopy(dateNanos, index + 1, dateNanos, index, tail);
            System.arraycopy(blobIds, index + 1, blobIds, index, tail);
            System.arraycopy(flags, index + 1, flags, index, tail);
            size--;
            blobIds[size] = null;
            flags[size] = null;
        }

        private void grow() {
            int capacity = uids.length + (uids.length >> 1);
            uids = Arrays.copyOf(uids, capacity);
            sizes = Arrays.copyOf(sizes, capacity);
            modSeqs = Arrays.copyOf(modSeqs, capacity);
            dateSeconds = Arrays.copyOf(dateSeconds, capacity);
            dateNanos = Arrays.copyOf(dateNanos, capacity);
            blobIds = Arrays.copyOf(blobIds, capacity);
            flags = Arrays.copyOf(flags, capacity);
        }

        private static Set<String> shared(Set<String> set) {
            if (set.isEmpty()) return Set.of();
            Set<String> known = FLAG_SETS.get(set);
            if (known != null) return known;
            if (FLAG_SETS.size() >= FLAG_SETS_MAX) return set;
            Set<String> copy = Set.copyOf(set);
            known = FLAG_SETS.putIfAbsent(copy, copy);
            return known != null ? known : copy;
        }
    }
}
