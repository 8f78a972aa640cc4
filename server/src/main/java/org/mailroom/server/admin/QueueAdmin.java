package org.mailroom.server.admin;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MailQueue;
import org.mailroom.delivery.Bounces;
import org.mailroom.server.admin.AdminException.Kind;

/**
 * The actions on the outbound queue, shared by {@link QueueCommand} and the admin HTTP API: what "flush",
 * "delete" and "bounce" do, and how each refuses an unknown id.
 */
public final class QueueAdmin implements QueueOperations {

    /** The text bounced messages carry when the administrator gives up on them. */
    static final String BOUNCE_TEXT = "returned to sender by the administrator";

    private final MailQueue queue;
    private final Bounces bounces;
    private final BlobStore blobs;

    /** @param blobs where the messages are, for their sizes (null: sizes unknown) */
    public QueueAdmin(MailQueue queue, Bounces bounces, BlobStore blobs) {
        this.queue = queue;
        this.bounces = bounces;
        this.blobs = blobs;
    }

    /**
     * The queued messages with their sizes, filtered as {@link QueueListing} says.
     *
     * @param domain only those with a pending recipient in this domain (null: all)
     * @param sender only those from this envelope sender (null: all; "" or "<>" for bounces)
     */
    @Override
    public List<QueueListing.Item> list(String domain, String sender) throws IOException {
        return new QueueListing(domain, sender).select(queue.list(), blobs);
    }

    public MailQueue.Entry get(String id) throws IOException, AdminException {
        return queue.get(id).orElseThrow(() -> notQueued(id));
    }

    /** One message with its size, as {@link #list} gives them. */
    @Override
    public QueueListing.Item item(String id) throws IOException, AdminException {
        return QueueListing.item(get(id), blobs);
    }

    /** Makes one message due now. */
    @Override
    public void flush(String id, Instant now) throws IOException, AdminException {
        if (!queue.flush(id, now)) throw notQueued(id);
    }

    /** Makes every message due now; returns how many. */
    @Override
    public int flushAll(Instant now) throws IOException {
        int n = 0;
        for (MailQueue.Entry e : queue.list()) if (queue.flush(e.id(), now)) n++;
        return n;
    }

    /** Removes a message without delivering it or telling the sender. */
    @Override
    public void delete(String id) throws IOException, AdminException {
        if (!queue.delete(id)) throw notQueued(id);
    }

    /** Gives up on a message now: its sender gets a bounce for every recipient still pending. */
    @Override
    public void bounce(String id) throws IOException, AdminException {
        bounces.giveUp(queue, get(id), "5.0.0", BOUNCE_TEXT);
    }

    private static AdminException notQueued(String id) {
        return new AdminException(Kind.NOT_FOUND, "no queued message " + id);
    }
}
