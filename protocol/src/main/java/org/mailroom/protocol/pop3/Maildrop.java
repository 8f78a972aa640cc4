package org.mailroom.protocol.pop3;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.Mailbox;
import org.mailroom.core.store.MessageRecord;

/**
 * The INBOX as it was at login, numbered 1..n by ascending UID, with the session's deletion marks.
 * RFC 1939 section 5: numbers never change during a session, and a message marked deleted is no longer
 * counted, listed or retrievable, though its number stays taken.
 */
final class Maildrop {

    private final long mailboxId;
    private final long uidValidity;
    private final List<MessageRecord> messages;
    private final boolean[] deleted;

    private Maildrop(long mailboxId, long uidValidity, List<MessageRecord> messages) {
        this.mailboxId = mailboxId;
        this.uidValidity = uidValidity;
        this.messages = List.copyOf(messages);
        this.deleted = new boolean[messages.size()];
    }

    /** Takes the snapshot. An account that never received mail has no INBOX yet: an empty maildrop. */
    static Maildrop snapshot(MailStore store, String account) throws IOException {
        Optional<Mailbox> inbox = store.mailbox(account, Mailbox.INBOX);
        if (inbox.isEmpty()) return new Maildrop(-1, 0, List.of());
        // MailStore.messages is ascending by UID, which gives the numbering.
        return new Maildrop(inbox.get().id(), inbox.get().uidValidity(), store.messages(inbox.get().id()));
    }

    long mailboxId() {
        return mailboxId;
    }

    /** Highest message number, deleted ones included. */
    int highestNumber() {
        return messages.size();
    }

    /** Messages not marked deleted. */
    int count() {
        int count = 0;
        for (boolean d : deleted) if (!d) count++;
        return count;
    }

    /** Octets of the messages not marked deleted. */
    long size() {
        long size = 0;
        for (int i = 0; i < messages.size(); i++) if (!deleted[i]) size += messages.get(i).size();
        return size;
    }

    /** The message numbered so, unless there is none or it is marked deleted. */
    Optional<MessageRecord> message(int number) {
        if (number < 1 || number > messages.size() || deleted[number - 1]) return Optional.empty();
        return Optional.of(messages.get(number - 1));
    }

    boolean isDeleted(int number) {
        return number >= 1 && number <= messages.size() && deleted[number - 1];
    }

    void markDeleted(int number) {
        deleted[number - 1] = true;
    }

    void unmarkAll() {
        Arrays.fill(deleted, false);
    }

    /** UIDs to expunge at QUIT. */
    List<Long> deletedUids() {
        List<Long> uids = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) if (deleted[i]) uids.add(messages.get(i).uid());
        return uids;
    }

    /**
     * The UIDL unique-id (RFC 1939 section 7): UIDVALIDITY and UID, both never reused for another message of
     * this INBOX, so the id is stable across sessions and restarts. Digits and '-' only, at most 41 octets.
     */
    String uniqueId(MessageRecord message) {
        return uidValidity + "-" + message.uid();
    }
}
