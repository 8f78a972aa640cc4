package org.mailroom.server.admin;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MailQueue;
import tools.jackson.databind.json.JsonMapper;

/**
 * What {@code mailroom queue list} and the admin API's {@code GET /api/queue} show: every queued message with each
 * recipient and its domain, filtered by recipient domain and sender, as text (one header line per message, then
 * its pending recipients, as Postfix's mailq) or as JSON. {@link #toJson} is the one JSON shape of a queued
 * message, for {@code queue list --json} and the API alike.
 */
public final class QueueListing {

    /** One queued message with its size (-1 when its blob cannot be read). */
    public record Item(MailQueue.Entry entry, long size) {}

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
            items.add(item(e, blobs));
        }
        return items;
    }

    static Item item(MailQueue.Entry e, BlobStore blobs) {
        return new Item(e, sizeOf(blobs, e.blobId()));
    }

    /** A header line per message, then one line per pending recipient, then the count. */
    static void print(List<Item> items, PrintWriter out) {
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

    /** An array of messages, pretty-printed, each as {@link #toJson}. */
    static String json(List<Item> items) {
        List<Map<String, Object>> array = new ArrayList<>();
        for (Item item : items) array.add(toJson(item));
        return JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(array);
    }

    /**
     * A queued message as JSON (openapi.json's QueueEntry): its envelope, size (null if unknown), times, every
     * recipient with its state and last reply, and the domains still pending. Null values stay, as null.
     */
    public static Map<String, Object> toJson(Item item) {
        MailQueue.Entry e = item.entry();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", e.id());
        out.put("sender", e.sender() == null ? "" : e.sender());
        out.put("size", item.size() < 0 ? null : item.size());
        out.put("arrival", e.created().toString());
        out.put("next_attempt", e.nextAttempt().toString());
        out.put("attempts", e.attempts());
        out.put("last_error", e.lastError());
        List<Map<String, Object>> recipients = new ArrayList<>();
        Set<String> domains = new LinkedHashSet<>();
        for (MailQueue.Recipient r : e.recipients()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("address", r.address());
            one.put("domain", domainOf(r.address()));
            one.put("state", r.state().name().toLowerCase(Locale.ROOT));
            one.put("last_reply", r.lastReply());
            recipients.add(one);
            if (r.state() == MailQueue.RecipientState.PENDING) domains.add(domainOf(r.address()));
        }
        out.put("recipients", recipients);
        out.put("domains", List.copyOf(domains)); // of the recipients still pending
        return out;
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
