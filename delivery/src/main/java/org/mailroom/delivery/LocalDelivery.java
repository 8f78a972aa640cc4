package org.mailroom.delivery;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.mailroom.core.delivery.DeliveryAgent;
import org.mailroom.core.delivery.RecipientResolver;
import org.mailroom.core.delivery.RecipientResult;
import org.mailroom.core.delivery.Srs;
import org.mailroom.core.mail.Dsn;
import org.mailroom.core.mail.Envelope;
import org.mailroom.core.mail.MailAddress;
import org.mailroom.core.metrics.Metrics;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.MailQueue;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.Quota;
import org.mailroom.core.store.SpecialMailboxes;
import org.mailroom.delivery.sieve.SieveDelivery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MDA: puts a message into the INBOX of every account its local recipients resolve to, or into its Junk
 * mailbox when the envelope is {@link Envelope#quarantined() quarantined} (the inbound checks' verdict; the
 * mailbox is made with its special-use attribute if missing, see {@link SpecialMailboxes#junk}).
 *
 * <p>All copies are one {@link MailStore#deliver} call, so they share one blob and one durable commit; an
 * account reached twice (directly and through an alias) gets one copy. Aliases that point to other hosts
 * put the message in the outbound queue. If the store fails, every local recipient fails temporarily, so
 * the sender retries and nobody gets the message twice.
 *
 * <p>Sieve (when {@link #runSieveWith} was called): each account's scripts decide its copies (mailboxes and
 * flags, an edited header, redirects, replies); see {@link SieveDelivery}. Copies of the same bytes still share
 * one deliver call; an account whose script edited the header has its own blob and call. Alias forwards to other
 * hosts leave with an SRS reverse path ({@link #rewriteForwardsWith}).
 *
 * <p>Quota: an account the message would take past its limit gets no copy. A recipient left with no account and
 * no forward fails temporarily ({@link RecipientResult#mailboxFull}, 452 4.2.2), since its user can make room;
 * the router refuses recipients already at their limit at RCPT TO, so this happens only when this message is
 * the one that does not fit. An alias with some members still under their limit is delivered to those only.
 */
public final class LocalDelivery implements DeliveryAgent {

    private static final Logger log = LoggerFactory.getLogger(LocalDelivery.class);

    private final MailStore store;
    private final MailQueue queue;
    private final RecipientResolver resolver;
    /** Sends "delivered" notices (set once the router exists: the notices go through it). */
    private volatile Bounces notices;
    private final Quota quota;
    private volatile Runnable afterQueueing = () -> { };
    /** Null: no Sieve (the admin commands; tests of plain delivery). */
    private volatile SieveDelivery sieve;
    /** Reverse paths of alias forwards to other hosts; null: forwarded with the sender as it is. */
    private volatile Srs srs;
    private volatile Clock clock = Clock.systemUTC();
    private final Directory directory;

    public LocalDelivery(MailStore store, MailQueue queue, Directory directory) {
        this(store, queue, directory, new Quota(store, 0));
    }

    public LocalDelivery(MailStore store, MailQueue queue, Directory directory, Quota quota) {
        this.store = store;
        this.queue = queue;
        this.resolver = new RecipientResolver(directory);
        this.quota = quota;
        this.directory = directory;
    }

    /**
     * From now on, each account's Sieve scripts run on its copy (see {@link SieveDelivery}), except on
     * quarantined mail: that goes to Junk as before, since a user's rules were written for mail that passed the
     * checks (a "fileinto Work" for a spoofed colleague would undo the quarantine). Pigeonhole runs them anyway;
     * we choose the quarantine.
     */
    public void runSieveWith(SieveDelivery sieve) {
        this.sieve = sieve;
    }

    /** Alias forwards to other hosts leave with an SRS reverse path in the alias's domain (see {@link Srs}). */
    public void rewriteForwardsWith(Srs srs, Clock clock) {
        this.clock = clock;
        this.srs = srs;
    }

    /**
     * From now on, a recipient who asked for NOTIFY=SUCCESS gets a "delivered" notice once the message is
     * in an INBOX here (RFC 3461 section 6.2.7.1: final delivery is ours to report).
     */
    public void sendSuccessNoticesWith(Bounces bounces) {
        this.notices = bounces;
    }

    /** Tells the queue runner at once when an alias forwards a copy to another host. */
    public void wakeAfterQueueing(Runnable wake) {
        this.afterQueueing = wake;
    }

    @Override
    public List<RecipientResult> deliver(Envelope envelope, String blobId, long size, List<MailAddress> recipients) {
        Map<MailAddress, RecipientResolver.Resolution> resolved = new LinkedHashMap<>();
        List<RecipientResult> results = new ArrayList<>();
        Set<String> accounts = new LinkedHashSet<>();
        Set<String> forwards = new LinkedHashSet<>();
        Map<String, Dsn.RecipientDsn> forwardDsn = new LinkedHashMap<>();
        for (MailAddress rcpt : recipients) {
            try {
                RecipientResolver.Resolution r = resolver.resolveLocal(rcpt); // the router sends only local ones
                if (r.isEmpty()) {
                    results.add(new RecipientResult(rcpt, RecipientResult.Status.PERMANENT_FAILURE, "no such user"));
                } else {
                    resolved.put(rcpt, r);
                    accounts.addAll(r.accounts());
                    r.forwards().forEach(f -> forwards.add(f.toString()));
                    for (MailAddress f : r.forwards()) forwardDsn.put(f.canonical(), forwardedDsn(envelope.dsn(), rcpt));
                }
            } catch (IOException e) {
                results.add(new RecipientResult(rcpt, RecipientResult.Status.TEMPORARY_FAILURE, "directory: " + e.getMessage()));
            }
        }
        if (resolved.isEmpty()) return results;
        try {
            Set<String> full = new LinkedHashSet<>();
            for (String account : accounts) if (!quota.allows(account, size)) full.add(account);
            if (!full.isEmpty()) {
                log.info("id={} over quota, no copy for {}", envelope.id(), full);
                accounts.removeAll(full);
                resolved.entrySet().removeIf(e -> {
                    boolean nobodyLeft = e.getValue().forwards().isEmpty() && full.containsAll(e.getValue().accounts());
                    if (nobodyLeft) results.add(RecipientResult.mailboxFull(e.getKey(), "over quota"));
                    return nobodyLeft;
                });
            }
        } catch (IOException e) {
            log.warn("id={} quota check failed: {}", envelope.id(), e.toString());
            for (MailAddress rcpt : resolved.keySet()) {
                results.add(new RecipientResult(rcpt, RecipientResult.Status.TEMPORARY_FAILURE, "store: " + e.getMessage()));
            }
            return results;
        }
        if (resolved.isEmpty()) return results;
        List<SieveDelivery.Plan> plans = new ArrayList<>();
        SieveDelivery filters = envelope.quarantined() ? null : sieve;
        try {
            String queueId = forwards.isEmpty() ? null : queueForwards(envelope, blobId, forwards, forwardDsn);
            // One deliver call per blob: the message as received, and each account's edited copy (editheader).
            Map<String, List<MailStore.Target>> targetsByBlob = new LinkedHashMap<>();
            Map<String, Long> sizes = new LinkedHashMap<>();
            sizes.put(blobId, size);
            Map<String, SieveDelivery.Plan> planOf = new LinkedHashMap<>();
            for (String account : accounts) {
                Optional<SieveDelivery.Plan> plan = filters == null ? Optional.empty()
                        : filters.plan(envelope, account, firstRecipient(resolved, account), blobId, size);
                if (plan.isEmpty()) {
                    MailStore.Target target = envelope.quarantined()
                            ? new MailStore.Target(account, SpecialMailboxes.junk(store, account), Set.of())
                            : MailStore.Target.inbox(account);
                    targetsByBlob.computeIfAbsent(blobId, b -> new ArrayList<>()).add(target);
                    continue;
                }
                plans.add(plan.get());
                SieveDelivery.Plan p = filters.redirect(envelope, plan.get());
                planOf.put(account, p);
                sizes.put(p.blobId(), p.size());
                for (SieveDelivery.Copy copy : p.copies()) {
                    targetsByBlob.computeIfAbsent(p.blobId(), b -> new ArrayList<>())
                            .add(new MailStore.Target(account, copy.mailbox(), copy.flags()));
                }
            }
            List<MailStore.Target> targets = new ArrayList<>();
            List<MailStore.Placed> placed = new ArrayList<>();
            for (Map.Entry<String, List<MailStore.Target>> group : targetsByBlob.entrySet()) {
                placed.addAll(storeCounted(group.getKey(), sizes.get(group.getKey()), envelope, group.getValue()));
                targets.addAll(group.getValue());
            }
            for (Map.Entry<MailAddress, RecipientResolver.Resolution> e : resolved.entrySet()) {
                results.add(new RecipientResult(e.getKey(), RecipientResult.Status.ACCEPTED,
                        where(e.getValue(), placed, targets, queueId, planOf)));
            }
            if (queueId != null) afterQueueing.run();
            noticeOfDelivery(envelope, blobId, resolved);
            for (SieveDelivery.Plan p : planOf.values()) {
                filters.afterStored(envelope, p, recipientOf(resolved, p.account()));
            }
        } catch (IOException | RuntimeException e) {
            log.warn("id={} local delivery failed: {}", envelope.id(), e.toString());
            if (filters != null) plans.forEach(filters::discard);
            for (MailAddress rcpt : resolved.keySet()) {
                results.add(new RecipientResult(rcpt, RecipientResult.Status.TEMPORARY_FAILURE, "store: " + e.getMessage()));
            }
        }
        return results;
    }

    /** Queues the copies that aliases forward to other hosts, with an SRS reverse path when it is on. */
    private String queueForwards(Envelope envelope, String blobId, Set<String> forwards,
                                 Map<String, Dsn.RecipientDsn> forwardDsn) throws IOException {
        MailAddress sender = envelope.sender();
        if (sender != null && srs != null) {
            // The alias's domain forwards it; with several aliases, the first recipient's domain speaks for all.
            String domain = envelope.recipients().isEmpty() ? null : envelope.recipients().get(0).domain();
            if (domain != null) sender = SieveDelivery.forwardingSender(srs, directory, sender, domain, clock.instant());
        }
        return queue.enqueue(blobId, sender == null ? null : sender.toString(), List.copyOf(forwards),
                new Dsn(envelope.dsn().envid(), envelope.dsn().ret(), forwardDsn), envelope.received());
    }

    /** The recipient, as given at RCPT TO, through which the account was reached (the first, if several). */
    private static String firstRecipient(Map<MailAddress, RecipientResolver.Resolution> resolved, String account) {
        return recipientOf(resolved, account).toString();
    }

    private static MailAddress recipientOf(Map<MailAddress, RecipientResolver.Resolution> resolved, String account) {
        for (Map.Entry<MailAddress, RecipientResolver.Resolution> e : resolved.entrySet()) {
            if (e.getValue().accounts().contains(account)) return e.getKey();
        }
        return MailAddress.parse(account);
    }

    /** The durable commit of the mailbox copies, timed and counted for the metrics. */
    private List<MailStore.Placed> storeCounted(String blobId, long size, Envelope envelope, List<MailStore.Target> targets)
            throws IOException {
        long start = System.nanoTime();
        List<MailStore.Placed> placed = store.deliver(new MailStore.NewMessage(blobId, size, envelope.received()), targets);
        Metrics.get().storedLocally(placed.size(), System.nanoTime() - start);
        return placed;
    }

    /**
     * "delivered" for the recipients that asked for NOTIFY=SUCCESS and reached only mailboxes here. A
     * forwarded copy carries its NOTIFY on, so whoever delivers it in the end reports it.
     */
    private void noticeOfDelivery(Envelope envelope, String blobId,
                                  Map<MailAddress, RecipientResolver.Resolution> resolved) {
        Bounces bounces = notices;
        if (bounces == null || envelope.isNullSender()) return;
        List<Bounces.Report> reports = new ArrayList<>();
        for (Map.Entry<MailAddress, RecipientResolver.Resolution> e : resolved.entrySet()) {
            Dsn.RecipientDsn d = envelope.dsn().forRecipient(e.getKey());
            boolean wanted = d.notifyOn() != null && d.notifyOn().contains(Dsn.Notify.SUCCESS);
            if (wanted && e.getValue().forwards().isEmpty()) {
                reports.add(new Bounces.Report(e.getKey().toString(), Bounces.Action.DELIVERED, "2.0.0",
                        "delivered to a mailbox", null));
            }
        }
        if (reports.isEmpty()) return;
        List<MailQueue.Recipient> rcpts = reports.stream()
                .map(r -> new MailQueue.Recipient(r.recipient(), MailQueue.RecipientState.DELIVERED, null)).toList();
        MailQueue.Entry about = new MailQueue.Entry(envelope.id(), blobId, envelope.sender().toString(), rcpts,
                envelope.received(), envelope.received(), 0, null, envelope.dsn(), false, List.of());
        bounces.send(about, reports, null);
    }

    /**
     * A forwarded copy keeps the NOTIFY of the recipient it was addressed to, and names that recipient as
     * the original one (RFC 3461 section 4.2: ORCPT is the address as the sender gave it).
     */
    private static Dsn.RecipientDsn forwardedDsn(Dsn dsn, MailAddress rcpt) {
        Dsn.RecipientDsn given = dsn.forRecipient(rcpt);
        String orcpt = given.orcpt() != null ? given.orcpt() : "rfc822;" + rcpt;
        return new Dsn.RecipientDsn(given.notifyOn(), orcpt);
    }

    /** For the log: {@code alice@example.test/INBOX uid 7}, plus the queue id of forwarded copies. */
    private static String where(RecipientResolver.Resolution r, List<MailStore.Placed> placed,
                                List<MailStore.Target> targets, String queueId,
                                Map<String, SieveDelivery.Plan> plans) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < placed.size(); i++) {
            MailStore.Placed p = placed.get(i);
            if (r.accounts().contains(p.account())) parts.add(p.account() + "/" + targets.get(i).mailbox() + " uid " + p.uid());
        }
        for (String account : r.accounts()) {
            SieveDelivery.Plan plan = plans.get(account);
            if (plan != null && !plan.summary().isEmpty()) parts.add(account + ": " + plan.summary());
        }
        if (!r.forwards().isEmpty()) parts.add("forwarded via queue " + queueId);
        return String.join(", ", parts);
    }
}
