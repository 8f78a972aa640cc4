package org.mailroom.delivery;

import java.io.IOException;
import java.util.List;
import org.mailroom.core.delivery.DeliveryAgent;
import org.mailroom.core.delivery.RecipientResult;
import org.mailroom.core.mail.Envelope;
import org.mailroom.core.mail.MailAddress;
import org.mailroom.core.store.MailQueue;

/** Takes responsibility for remote recipients by putting the message in the durable outbound queue. */
public final class QueueDelivery implements DeliveryAgent {

    private final MailQueue queue;
    /**
     * When set, queues through the runner, which starts on the message at once if it has a worker free (else
     * wakes its scheduler); unset (the admin commands, which run no runner), the entry waits for a server's poll.
     */
    private volatile QueueRunner runner;

    public QueueDelivery(MailQueue queue) {
        this.queue = queue;
    }

    /** Queues through the runner: a message it has a free worker for is claimed as it is queued (see QueueRunner#enqueue). */
    public void queueThrough(QueueRunner runner) {
        this.runner = runner;
    }

    @Override
    public List<RecipientResult> deliver(Envelope envelope, String blobId, long size, List<MailAddress> recipients) {
        try {
            String sender = envelope.isNullSender() ? null : envelope.sender().toString();
            List<String> to = recipients.stream().map(MailAddress::toString).toList();
            QueueRunner through = runner;
            String id;
            if (through != null) {
                id = through.enqueue(blobId, sender, to, envelope.dsn(), envelope.received());
            } else {
                id = queue.enqueue(blobId, sender, to, envelope.dsn(), envelope.received());
            }
            return recipients.stream()
                    .map(r -> new RecipientResult(r, RecipientResult.Status.ACCEPTED, "queued as " + id))
                    .toList();
        } catch (IOException e) {
            return recipients.stream()
                    .map(r -> new RecipientResult(r, RecipientResult.Status.TEMPORARY_FAILURE, "queue: " + e.getMessage()))
                    .toList();
        }
    }
}
