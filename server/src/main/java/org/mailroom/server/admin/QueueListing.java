package org.mailroom.server.admin;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MailQueue;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What {@code mailroom queue list} shows: every queued message with each recipient and its domain, filtered by
 * recipient domain and sender, as text (one header line per message, then its pending recipients, as Postfix's
 * mailq) or as one JSON array.
 */
final class QueueListing {

    /** One queued message with its size (-1 when its blob cannot be read). */
    record Item(MailQueue.Entry entry, long size) {}

    private final String domain;
    private final String sender;

    /**
     * @param domain only messages with a pending recipient in this domain (null: all); a leading "@" is ignored
     * @param sender only messages from this envelope sender (null: all; "" or "<>": the null sender of bounces)
     */
    QueueListing(String domain, String sender) {
        this.domain = domain == null ? null : lower(domain.startsWith("@") ? domain.substring(1) : domain);
        this.sender = sender == null ? null : lower(sender.replaceAll("^<(.*)>$", "$1"));
    }

    List<Item> select(List<MailQueue.Entry> entries, BlobStore blobs) {
        List<Item> items = new ArrayList<>();
        for (MailQueue.Entry e : entries) {
            if (sender != null && !sender.equals(lower(e.sender() == null ? "" : e.sender()))) continue;
            if (domain != null && e.recipients().stream()
                    .noneMatch(r -> r.state() == MailQueue.RecipientState.PENDING && domainOf(r.address()).equals(domain))) {
                continue;
            }
            items.add(new Item(e, sizeOf(blobs, e.blobId())));
        }
        return items;
    }

    /** A header line per message, then one line per pending recipient, then the count. */
    void print(List<Item> items, PrintWriter out) {
        int recipients = 0;
        for (Item item : items) {
            MailQueue.Entry e = item.entry();
            List<MailQueue.Recipient> pending = pending(e);
            recipients += pending.size();
            out.printf("%s  %s  from <%s>  %s  %d pending of %d  tries %d  next %s%s%n", e.id(), e.created(),
                    e.sender() == null ? "" : e.sender(), item.size() < 0 ? "size unknown" : item.size() + " bytes",
                    pending.size(), e.recipients().size(), e.attempts(), e.nextAttempt(),
                    e.lastError() == null ? "" : "  last: " + e.lastError());
            for (MailQueue.Recipient r : pending) {
                out.printf("    to <%s>  %s%s%n", r.address(), domainOf(r.address()),
                        r.lastReply() == null ? "  (not tried yet)" : "  last: " + r.lastReply());
            }
        }
        out.println(items.size() + (items.size() == 1 ? " message" : " messages") + ", " + recipients
                + (recipients == 1 ? " recipient" : " recipients") + " pending");
    }

    /** An array of messages, each with all its recipients and their states. */
    String json(List<Item> items) {
        JsonMapper mapper = JsonMapper.builder().build();
        ArrayNode array = mapper.createArrayNode();
        for (Item item : items) {
            MailQueue.Entry e = item.entry();
            ObjectNode o = array.addObject();
            o.put("id", e.id());
            o.put("sender", e.sender() == null ? "" : e.sender());
            if (item.size() < 0) o.putNull("size"); else o.put("size", item.size());
            o.put("arrival", e.created().toString());
            o.put("next_attempt", e.nextAttempt().toString());
            o.put("attempts", e.attempts());
            if (e.lastError() == null) o.putNull("last_error"); else o.put("last_error", e.lastError());
            ArrayNode rcpts = o.putArray("recipients");
            for (MailQueue.Recipient r : e.recipients()) {
                ObjectNode ro = rcpts.addObject();
                ro.put("address", r.address());
                ro.put("domain", domainOf(r.address()));
                ro.put("state", r.state().name().toLowerCase(Locale.ROOT));
                if (r.lastReply() == null) ro.putNull("last_result"); else ro.put("last_result", r.lastReply());
            }
        }
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(array);
    }

    private static List<MailQueue.Recipient> pending(MailQueue.Entry e) {
        return e.recipients().stream().filter(r -> r.state() == MailQueue.RecipientState.PENDING).toList();
    }

    /** The part after the last "@", lower-cased (domains compare without case). */
    static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return lower(at < 0 ? "" : address.substring(at + 1));
    }

    private static long sizeOf(BlobStore blobs, String blobId) {
        if (blobs == null || blobId == null) return -1;
        try {
            return blobs.size(blobId);
        } catch (IOException | RuntimeException e) {
            return -1; // a listing still shows the message
        }
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
