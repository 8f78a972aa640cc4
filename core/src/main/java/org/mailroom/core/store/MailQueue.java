package org.mailroom.core.store;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Messages waiting for delivery to other hosts, with a state per recipient. A message is in the queue
 * (durably) when {@link #enqueue} returns, so the SMTP 250 that follows is honest.
 *
 * <p>Delivery works in rounds: {@link #claimDue} leases the entries whose time has come to one worker,
 * which then reports each recipient's outcome with {@link #recordAttempt}. A lease that runs out (its
 * worker died) makes the entry due again, so no message is forgotten; the price is that a message whose
 * remote 250 arrived just before a crash may be sent twice.
 */
public interface MailQueue {

    enum RecipientState { PENDING, DELIVERED, FAILED }

    record Recipient(String address, RecipientState state, String lastReply) {}

    /**
     * A queued message.
     *
     * @param sender the reverse path's address, or {@code null} for {@code <>}
     */
    record Entry(String id, String blobId, String sender, List<Recipient> recipients, Instant created,
                 Instant nextAttempt, int attempts, String lastError) {
        public Entry {
            recipients = List.copyOf(recipients);
        }
    }

    /** One recipient's outcome of a delivery attempt. */
    record Outcome(String recipient, RecipientState state, String reply) {}

    /** Queues a committed blob for the given recipients; due at once. Returns the queue id. */
    String enqueue(String blobId, String sender, List<String> recipients, Instant now) throws IOException;

    /** Leases up to {@code max} entries due at {@code now} for {@code lease}; others cannot claim them meanwhile. */
    List<Entry> claimDue(Instant now, int max, Duration lease) throws IOException;

    /**
     * Records an attempt: each outcome updates its recipient; the entry's lease ends and it becomes due again
     * at {@code nextAttempt} while recipients are pending. An entry with no pending recipient is done and is
     * removed (its blob too, when nothing else refers to it).
     */
    void recordAttempt(String id, List<Outcome> outcomes, Instant nextAttempt, String error) throws IOException;

    /** Makes an entry due now (queue flush). */
    boolean flush(String id, Instant now) throws IOException;

    Optional<Entry> get(String id) throws IOException;

    List<Entry> list() throws IOException;

    /** Removes an entry without delivering it. */
    boolean delete(String id) throws IOException;
}
