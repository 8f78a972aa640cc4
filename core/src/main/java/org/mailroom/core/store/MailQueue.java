package org.mailroom.core.store;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.mailroom.core.mail.Dsn;

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
     * @param sender  the reverse path's address, or {@code null} for {@code <>}
     * @param dsn     the sender's DSN parameters (RFC 3461), for bounces and to pass on
     * @param warned  a "delayed" notice was sent already (it is sent once)
     * @param history every delivery attempt so far, oldest first
     */
    record Entry(String id, String blobId, String sender, List<Recipient> recipients, Instant created,
                 Instant nextAttempt, int attempts, String lastError, Dsn dsn, boolean warned,
                 List<Attempt> history) {
        public Entry {
            recipients = List.copyOf(recipients);
            if (dsn == null) dsn = Dsn.NONE;
            history = List.copyOf(history);
        }

        /** An entry without DSN parameters or history. */
        public Entry(String id, String blobId, String sender, List<Recipient> recipients, Instant created,
                     Instant nextAttempt, int attempts, String lastError) {
            this(id, blobId, sender, recipients, created, nextAttempt, attempts, lastError, Dsn.NONE, false, List.of());
        }
    }

    /**
     * What one delivery attempt to one destination did, for {@code mailroom queue show} and the admin API.
     *
     * @param destination the recipient domain, or the relay host
     * @param dns         the DNS answers used ("MX b.test: 10 mx.b.test. (ttl 300)")
     * @param host        the last MX host and address tried, {@code mx.b.test[192.0.2.1]:25}, or null
     * @param tls         whether that connection was encrypted, and how or why not
     * @param log         the SMTP conversation and connection errors, in order
     * @param result      the outcome in one line
     */
    record Attempt(Instant at, String destination, List<String> dns, String host, String tls, List<String> log,
                   String result) {
        public Attempt {
            dns = List.copyOf(dns);
            log = List.copyOf(log);
        }
    }

    /** One recipient's outcome of a delivery attempt. */
    record Outcome(String recipient, RecipientState state, String reply) {}

    /** Queues a committed blob for the given recipients without DSN parameters; due at once. Returns the queue id. */
    default String enqueue(String blobId, String sender, List<String> recipients, Instant now) throws IOException {
        return enqueue(blobId, sender, recipients, Dsn.NONE, now);
    }

    /**
     * Queues a committed blob for the given recipients; due at once. Returns the queue id. The DSN
     * parameters of each recipient are found in {@code dsn} by the recipient's canonical address.
     */
    String enqueue(String blobId, String sender, List<String> recipients, Dsn dsn, Instant now) throws IOException;

    /**
     * As {@link #enqueue}, in the same write transaction, the new entry also claimed: leased until
     * {@code leaseUntil} as {@link #claimDue} would lease it. For a queue runner that has a worker free now: it
     * starts on the message at once, without a claim of its own (one write transaction less per message). Returns
     * the entry as {@link #claimDue} would have returned it (every recipient pending, no attempt yet).
     */
    Entry enqueueClaimed(String blobId, String sender, List<String> recipients, Dsn dsn, Instant now,
                         Instant leaseUntil) throws IOException;

    /** Leases up to {@code max} entries due at {@code now} for {@code lease}; others cannot claim them meanwhile. */
    List<Entry> claimDue(Instant now, int max, Duration lease) throws IOException;

    /**
     * Extends the lease of entries still being delivered to {@code until}, so that a delivery slower than the
     * lease (a server that takes minutes per reply, several MX hosts that time out) is not taken up by another
     * worker meanwhile and sent twice. Entries whose attempt was recorded (no lease) or that are gone are left
     * alone. Example: a runner that claimed with a 30-minute lease extends, after 15 minutes, the entries its
     * workers still hold.
     */
    void extendLeases(List<String> ids, Instant until) throws IOException;

    /**
     * Records an attempt: each outcome updates its recipient; the entry's lease ends and it becomes due again
     * at {@code nextAttempt} while recipients are pending. An entry with no pending recipient is done and is
     * removed (its blob too, when nothing else refers to it).
     */
    default void recordAttempt(String id, List<Outcome> outcomes, Instant nextAttempt, String error) throws IOException {
        recordAttempt(id, outcomes, nextAttempt, error, List.of());
    }

    /** As above, adding the attempts' records to the entry's history in the same transaction. */
    void recordAttempt(String id, List<Outcome> outcomes, Instant nextAttempt, String error, List<Attempt> attempts)
            throws IOException;

    /** Notes that the "delayed" notice went out, so it is not sent again. False if there is no such entry. */
    boolean markWarned(String id) throws IOException;

    /** Makes an entry due now (queue flush). */
    boolean flush(String id, Instant now) throws IOException;

    Optional<Entry> get(String id) throws IOException;

    List<Entry> list() throws IOException;

    /** Removes an entry without delivering it. */
    boolean delete(String id) throws IOException;

    /**
     * How many messages wait and when the oldest was queued, for the metrics: cheap (one aggregate query in the
     * backends), where {@link #list()} reads every entry. The default reads the list, for test fakes.
     *
     * @param oldest when the oldest entry was queued, or null when the queue is empty
     */
    record Summary(long messages, Instant oldest) {}

    default Summary summary() throws IOException {
        List<Entry> entries = list();
        Instant oldest = entries.stream().map(Entry::created).min(Instant::compareTo).orElse(null);
        return new Summary(entries.size(), oldest);
    }
}
