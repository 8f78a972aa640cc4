package org.mailroom.core.store;

import java.io.IOException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.mailroom.core.mime.MessageStructure;

/**
 * Mailboxes and messages of local accounts. Accounts are named by their canonical address
 * ({@code alice@example.test}); mailbox names by their full hierarchical name, with {@code INBOX}
 * matched case-insensitively.
 *
 * <p>Contract, for every implementation (the contract test suite checks each point):
 * <ul>
 *   <li>{@link #deliver} is all-or-nothing and durable when it returns: after a crash, each target has the
 *       message exactly once or, if it threw, not at all.</li>
 *   <li>UIDs in a mailbox only grow and are never reused, also across restarts and expunges.</li>
 *   <li>Every change bumps the mailbox's MODSEQ and is then published to {@link #subscribe} listeners.</li>
 *   <li>An account's INBOX exists once anything was delivered to it.</li>
 * </ul>
 * Example: local delivery of one message to two users is one {@code deliver(msg, [alice/INBOX, bob/INBOX])}.
 */
public interface MailStore {

    /** A committed blob to deliver. */
    record NewMessage(String blobId, long size, Instant internalDate) {}

    /** Where one copy goes; the mailbox is created if it does not exist. */
    record Target(String account, String mailbox, Set<String> flags) {
        public Target {
            flags = Set.copyOf(flags);
        }

        public static Target inbox(String account) {
            return new Target(account, Mailbox.INBOX, Set.of());
        }
    }

    /** Where a copy landed, one per target, in the order of the targets. */
    record Placed(String account, long mailboxId, long uid) {}

    /** How {@link #updateFlags} changes the flags (IMAP STORE FLAGS, +FLAGS, -FLAGS). */
    enum FlagOp { REPLACE, ADD, REMOVE }

    List<Mailbox> listMailboxes(String account) throws IOException;

    Optional<Mailbox> mailbox(String account, String name) throws IOException;

    /** @throws MailStoreException.AlreadyExists if a mailbox of that name exists */
    Mailbox createMailbox(String account, String name) throws IOException;

    /** Deletes a mailbox and its messages. @throws MailStoreException.NotFound if there is none */
    void deleteMailbox(String account, String name) throws IOException;

    /** Renames keeping UIDs and UIDVALIDITY. */
    void renameMailbox(String account, String from, String to) throws IOException;

    /** Stores one message in several mailboxes at once; durable on return. */
    List<Placed> deliver(NewMessage message, List<Target> targets) throws IOException;

    /**
     * The MIME structure of a blob that messages refer to (ENVELOPE, BODYSTRUCTURE, part offsets, decoded
     * headers for SEARCH), so that IMAP need not read the message file. Stored once per blob, shared by every
     * recipient's copy and by COPY/MOVE; computed when the blob is first delivered, or on the first call for
     * blobs stored before structures were kept (then stored). Empty when the blob does not exist.
     *
     * <p>Example: {@code store.structure(record.blobId()).orElseThrow().envelope()} for FETCH ENVELOPE.
     */
    Optional<MessageStructure> structure(String blobId) throws IOException;

    /**
     * The structures of many blobs at once, by blob id, leaving out blobs that do not exist: FETCH 1:* ENVELOPE
     * over a large mailbox asks for thousands, and one query per message would cost more than the rest of the
     * FETCH. Implementations override this with one query per batch.
     */
    default Map<String, MessageStructure> structures(Collection<String> blobIds) throws IOException {
        Map<String, MessageStructure> found = new java.util.HashMap<>();
        for (String blobId : blobIds) structure(blobId).ifPresent(s -> found.put(blobId, s));
        return found;
    }

    /** All messages of a mailbox, ascending by UID. */
    List<MessageRecord> messages(long mailboxId) throws IOException;

    /** Changes flags of the given messages (missing UIDs are ignored); returns the changed records. */
    List<MessageRecord> updateFlags(long mailboxId, Collection<Long> uids, FlagOp op, Set<String> flags)
            throws IOException;

    /**
     * Removes messages for good (missing UIDs are ignored); a blob no record refers to any more is deleted.
     * The UIDs are remembered with their MODSEQ so QRESYNC can report them as VANISHED.
     */
    void expunge(long mailboxId, Collection<Long> uids) throws IOException;

    /**
     * Takes the account's maildrop lock (POP3, RFC 1939 section 8) if nobody holds it. Closing the
     * returned handle releases it; so does the death of the holder's node.
     *
     * @throws IOException when the store cannot tell (a database away): the maildrop is not known to be in
     *                     use, and POP3 answers [SYS/TEMP] rather than [IN-USE]
     */
    Optional<AutoCloseable> lockMaildrop(String account) throws IOException;

    /** Listens to changes of one account's mailboxes; close the handle to stop. */
    AutoCloseable subscribe(String account, Consumer<MailboxEvent> listener);

    // ---- for IMAP (RFC 9051 and extensions) ----

    /**
     * Where copied or moved messages landed (UIDPLUS COPYUID, RFC 4315 section 3): {@code sourceUids.get(i)}
     * became {@code targetUids.get(i)} in the target mailbox, whose UIDVALIDITY is given. Missing source UIDs
     * are left out.
     */
    record Copied(long targetUidValidity, List<Long> sourceUids, List<Long> targetUids) {
        public Copied {
            sourceUids = List.copyOf(sourceUids);
            targetUids = List.copyOf(targetUids);
        }
    }

    /**
     * Copies messages into another mailbox of the same account: new UIDs in the target (ascending in source
     * UID order), the same blob, the same flags and internal date. Atomic. Example: IMAP COPY.
     */
    default Copied copy(long fromMailboxId, Collection<Long> uids, long toMailboxId) throws IOException {
        throw new UnsupportedOperationException("copy is not supported by " + getClass().getSimpleName());
    }

    /**
     * Like {@link #copy}, then expunges the sources, in one transaction (RFC 6851 section 3.3: the client
     * never sees the message in both mailboxes, or in neither). The sources are recorded as expunged.
     */
    default Copied move(long fromMailboxId, Collection<Long> uids, long toMailboxId) throws IOException {
        throw new UnsupportedOperationException("move is not supported by " + getClass().getSimpleName());
    }

    /**
     * Creates a mailbox with a special-use attribute (RFC 6154: {@code \Sent}, {@code \Drafts}, ...), or none if
     * {@code specialUse} is null.
     */
    default Mailbox createMailbox(String account, String name, String specialUse) throws IOException {
        if (specialUse != null) throw new UnsupportedOperationException("special-use is not supported");
        return createMailbox(account, name);
    }

    /** The special-use attribute of each of the account's mailboxes that has one, by mailbox name. */
    default Map<String, String> specialUses(String account) throws IOException {
        return Map.of();
    }

    /** Adds a name to the account's subscriptions (IMAP SUBSCRIBE); the mailbox need not exist. */
    default void addSubscription(String account, String name) throws IOException {
        throw new UnsupportedOperationException("subscriptions are not supported");
    }

    /** @return false if the name was not subscribed */
    default boolean removeSubscription(String account, String name) throws IOException {
        throw new UnsupportedOperationException("subscriptions are not supported");
    }

    /** The subscribed names, sorted. */
    default List<String> subscriptions(String account) throws IOException {
        return List.of();
    }

    /** The messages whose MODSEQ is above {@code modSeq} (CONDSTORE CHANGEDSINCE, RFC 7162 section 3.1.4.1). */
    default List<MessageRecord> changedSince(long mailboxId, long modSeq) throws IOException {
        List<MessageRecord> changed = new java.util.ArrayList<>();
        for (MessageRecord m : messages(mailboxId)) if (m.modSeq() > modSeq) changed.add(m);
        return changed;
    }

    /** The UIDs expunged with a MODSEQ above {@code modSeq}, ascending (QRESYNC VANISHED, RFC 7162 section 3.2.10). */
    default List<Long> expungedSince(long mailboxId, long modSeq) throws IOException {
        throw new UnsupportedOperationException("expunge records are not supported");
    }

    /**
     * What {@link #vanishedSince} knows: the UIDs expunged above a MODSEQ, and whether that list is complete.
     * Expunge records are pruned (the oldest beyond a number kept per mailbox); {@code floor} is the highest
     * MODSEQ of a pruned record, so the list is complete only for a MODSEQ at or above it. Below it, the caller
     * must work out what vanished from the UIDs still present (RFC 7162 section 3.2.5.2 allows a server to
     * report every UID the client may know that is not in the mailbox).
     */
    record Vanished(long floor, List<Long> uids) {
        public Vanished {
            uids = List.copyOf(uids);
        }

        public boolean complete(long sinceModSeq) {
            return sinceModSeq >= floor;
        }
    }

    /** {@link #expungedSince} and the mailbox's prune mark, read together so no pruning falls between them. */
    default Vanished vanishedSince(long mailboxId, long modSeq) throws IOException {
        return new Vanished(0, expungedSince(mailboxId, modSeq));
    }

    // ---- \Recent (RFC 3501 section 2.3.2, IMAP4rev1 only) ----

    /**
     * Claims the messages of a mailbox up to {@code upToUid} as \Recent for the calling session: the mailbox
     * keeps the highest UID already claimed (its "recent mark"), and this raises it to {@code upToUid} if it is
     * lower, atomically (one session wins, also across nodes). Returns the mark as it was before: the caller's
     * recent messages are those with a UID above the returned value and at most {@code upToUid}; none when the
     * returned value is {@code upToUid} or more. Example: after two deliveries to a fresh mailbox,
     * {@code claimRecent(id, 2)} returns 0 in the first session and 2 in the second.
     */
    default long claimRecent(long mailboxId, long upToUid) throws IOException {
        return upToUid;
    }

    /** The recent mark without claiming (EXAMINE, RFC 3501 section 6.3.2): messages above it are unclaimed. */
    default long recentMark(long mailboxId) throws IOException {
        return Long.MAX_VALUE;
    }

    /** How many messages are above the recent mark (STATUS RECENT). */
    default int recentCount(long mailboxId) throws IOException {
        return 0;
    }

    /**
     * The bytes an account's messages take, summed over all its mailboxes (a message in two mailboxes counts
     * twice, as the user sees it): the usage of the IMAP QUOTA STORAGE resource (RFC 9208) and what
     * {@link Quota} compares with the limit. Implementations sum the per-mailbox size they keep, never the
     * messages. 0 for an account without mailboxes.
     */
    default long usage(String account) throws IOException {
        long total = 0;
        for (Mailbox mailbox : listMailboxes(account)) total += mailbox.size();
        return total;
    }

    /** One message for {@link #appendAll}: the blob and where it goes, with its flags. */
    record Appending(NewMessage message, Target target) {}

    /**
     * Stores several messages, each to its own target, in one transaction: all are stored or, if it throws, none
     * (IMAP MULTIAPPEND, RFC 3502 section 6.3.11). The result has one {@link Placed} per message, in order; UIDs
     * given in one mailbox ascend in that order. Example: {@code APPEND Sent {m1} {m2}} is one call.
     */
    default List<Placed> appendAll(List<Appending> messages) throws IOException {
        if (messages.size() == 1) return deliver(messages.get(0).message(), List.of(messages.get(0).target()));
        throw new UnsupportedOperationException("appendAll is not supported by " + getClass().getSimpleName());
    }
}
