package org.mailroom.protocol.imap;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
    private final List<MessageRecord> messages;
    /** Gone from the store, still numbered here: the EXPUNGE is owed. */
    private final Set<Long> expungedPending = new TreeSet<>();
    private boolean changed;
    /** The result of the last SEARCH RETURN (SAVE), as UIDs (RFC 5182); empty until one ran. */
    private List<Long> savedSearch = List.of();

    private SelectedMailbox(MailStore store, Mailbox mailbox, boolean readOnly, List<MessageRecord> messages) {
        this.store = store;
        this.mailbox = mailbox;
        this.readOnly = readOnly;
        this.messages = new ArrayList<>(messages);
    }

    static SelectedMailbox open(MailStore store, Mailbox mailbox, boolean readOnly) throws IOException {
        return new SelectedMailbox(store, mailbox, readOnly, store.messages(mailbox.id()));
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
        long maxUid = messages.get(messages.size() - 1).uid();
        for (int i = 0; i < messages.size(); i++) {
            MessageRecord m = messages.get(i);
            boolean in = byUid ? set.contains(m.uid(), maxUid) : set.contains(i + 1, messages.size());
            if (in && !expungedPending.contains(m.uid())) out.add(i + 1);
        }
        return out;
    }

    /** The sequence number of a UID, or 0. */
    public int msnOf(long uid) {
        int lo = 0;
        int hi = messages.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long u = messages.get(mid).uid();
            if (u < uid) lo = mid + 1;
            else if (u > uid) hi = mid - 1;
            else return mid + 1;
        }
        return 0;
    }

    /** Records what this session itself changed and told the client (STORE, FETCH setting \Seen). */
    public void updated(MessageRecord record) {
        int msn = msnOf(record.uid());
        if (msn > 0) messages.set(msn - 1, record);
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
            List<MessageRecord> now = store.messages(mailbox.id());
            Map<Long, MessageRecord> byUid = new HashMap<>(now.size() * 2);
            for (MessageRecord m : now) byUid.put(m.uid(), m);
            long lastUid = messages.isEmpty() ? 0 : messages.get(messages.size() - 1).uid();
            for (int i = 0; i < messages.size(); i++) {
                MessageRecord known = messages.get(i);
                MessageRecord current = byUid.get(known.uid());
                if (current == null) {
                    expungedPending.add(known.uid());
                } else if (!current.flags().equals(known.flags()) || current.modSeq() != known.modSeq()) {
                    messages.set(i, current);
                    if (!current.flags().equals(known.flags())) {
                        session.untagged((i + 1) + " FETCH (" + FetchItems.flags(session, current) + ")");
                    }
                }
            }
            boolean arrived = false;
            for (MessageRecord m : now) {
                if (m.uid() > lastUid) {
                    messages.add(m);
                    arrived = true;
                }
            }
            mailbox = store.mailbox(mailbox.account(), mailbox.name()).orElse(mailbox);
            if (mayExpunge) expunge(session);
            if (arrived) session.untagged(messages.size() + " EXISTS");
        } else if (mayExpunge) {
            expunge(session);
        }
    }

    private void expunge(ImapSession session) {
        for (long uid : expungedPending) {
            int msn = msnOf(uid);
            if (msn == 0) continue;
            messages.remove(msn - 1);
            session.untagged(msn + " EXPUNGE");
        }
        expungedPending.clear();
    }
}
