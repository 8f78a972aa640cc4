package org.mailroom.delivery;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.mailroom.core.mail.Dsn;
import org.mailroom.core.mail.MailAddress;
import org.mailroom.core.metrics.Metrics;
import org.mailroom.core.store.MailQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works the outbound queue: takes the entries that are due, delivers each to its recipients' domains (one
 * transaction per domain), records the outcome and schedules the next try.
 *
 * <h2>Design note</h2>
 * <ul>
 *   <li>One scheduler thread claims due entries ({@link MailQueue#claimDue}, with a lease, so a crashed
 *       worker's entries come back) only as many as there are free workers: the total concurrency limit.
 *       A semaphore per destination domain limits parallel connections to one site, as Postfix's
 *       per-destination concurrency does, so a big provider is not hammered.</li>
 *   <li>Schedule: after the n-th failed try the next waits {@code retryIntervals[n-1]}, the last one
 *       repeating. Once the message is older than {@code lifetime}, a temporary failure becomes a bounce
 *       (5.4.7). Past {@code warnAfter} the sender gets one "delayed" notice.</li>
 *   <li>After a transaction the connection is kept for a few seconds ({@link ConnectionCache}): the next
 *       message to the same hosts, often already waiting for the destination's semaphore, goes over it
 *       at once (no RSET after a completed transaction: one round trip less per message).</li>
 *   <li>The runner goes to the queue when it is told of new mail ({@link #wakeUp}), when its last claim
 *       took as many entries as it had free workers (more may wait), and every {@code pollInterval} for
 *       retries that came due. A delivery that ends does not send it to the queue otherwise: each claim is a
 *       write transaction and a commit wait, and at hundreds of messages a second most would find nothing.</li>
 *   <li>New mail mostly skips the scheduler: {@link #enqueue} with a worker free queues the message already
 *       claimed, in the one write transaction of the enqueue, and hands it to that worker. A claim of its own
 *       would cost another write transaction, a commit wait and two thread hand-overs per message.</li>
 *   <li>A delivery that outlives half of its lease gets its lease extended ({@link MailQueue#extendLeases}),
 *       so another worker never takes up a message that is still being sent.</li>
 *   <li>Every time comes from the injected {@link Clock}, so tests run days of retries in seconds.</li>
 *   <li>Notices are sent before the outcome is recorded: a crash between the two repeats a notice rather
 *       than losing it.</li>
 * </ul>
 */
public final class QueueRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QueueRunner.class);

    /**
     * @param maxConcurrent       messages delivered at once, in total
     * @param maxPerDestination   deliveries at once to one domain
     * @param pollInterval        how often the queue is looked at when nobody wakes the runner
     * @param lease               how long a claimed entry is ours before another worker may take it
     */
    public record Settings(List<Duration> retryIntervals, Duration lifetime, Duration warnAfter, int maxConcurrent,
                           int maxPerDestination, Duration pollInterval, Duration lease) {
        public Settings {
            retryIntervals = List.copyOf(retryIntervals);
        }

        public Duration retryInterval(int failedAttempts) {
            int index = Math.min(Math.max(failedAttempts, 1), retryIntervals.size()) - 1;
            return retryIntervals.get(index);
        }
    }

    private final MailQueue queue;
    private final RemoteDelivery remote;
    private final Bounces bounces;
    /** Replaced by {@link #reconfigure} (SIGHUP); read afresh at each use. */
    private volatile Settings settings;
    private final Clock clock;
    private final ExecutorService workers;
    private final Map<String, Semaphore> perDestination = new ConcurrentHashMap<>();
    private final AtomicInteger busy = new AtomicInteger();
    /** The entries being delivered, with the end of their lease as last written. */
    private final Map<String, Instant> leasedUntil = new ConcurrentHashMap<>();
    private final Object wake = new Object();
    /**
     * Whether a claim may find something that the last one did not: set by {@link #wakeUp} (new mail, a flush,
     * a test's clock) and by a claim that took as many entries as it asked for (more may wait behind them).
     * A delivery that ends with this unset does not send the runner to the queue: that claim would find
     * nothing, and it would still cost a write transaction and a commit wait. Entries that come due by the
     * clock are found by the poll every {@code pollInterval}.
     */
    private final AtomicBoolean worthClaiming = new AtomicBoolean(true);
    private Thread scheduler;
    private volatile boolean running;

    public QueueRunner(MailQueue queue, RemoteDelivery remote, Bounces bounces, Settings settings, Clock clock) {
        this.queue = queue;
        this.remote = remote;
        this.bounces = bounces;
        this.settings = settings;
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(settings.maxConcurrent(), r -> {
            Thread t = new Thread(r, "queue-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * New retry schedule, lifetime, delay-notice time, poll interval and lease from now on (a configuration
     * reload). The number of workers and the per-destination caps are fixed at start (a thread pool and its
     * semaphores): those two values are kept whatever {@code next} says.
     */
    public void reconfigure(Settings next) {
        Settings now = settings;
        settings = new Settings(next.retryIntervals(), next.lifetime(), next.warnAfter(), now.maxConcurrent(),
                now.maxPerDestination(), next.pollInterval(), next.lease());
        wakeUp(); // a shorter poll interval takes effect now, not after the old one ran out
    }

    public synchronized void start() {
        if (running) return;
        running = true;
        scheduler = new Thread(this::schedule, "queue-runner");
        scheduler.setDaemon(true);
        scheduler.start();
    }

    /** Looks at the queue now (after a flush, or a test moving its clock). */
    public void wakeUp() {
        worthClaiming.set(true);
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    /** A delivery ended: a worker is free, which matters only when entries may be waiting for one. */
    private void workerFree() {
        if (!worthClaiming.get()) return;
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    private void schedule() {
        long lastClaim = System.nanoTime() - settings.pollInterval().toNanos();
        while (running) {
            try {
                extendLongLeases();
            } catch (IOException | RuntimeException e) {
                log.warn("queue runner: extending leases: {}", e.toString());
            }
            try {
                remote.closeIdleConnections();
                int free = settings.maxConcurrent() - busy.get();
                boolean pollDue = System.nanoTime() - lastClaim >= settings.pollInterval().toNanos();
                if (free > 0 && (worthClaiming.getAndSet(false) || pollDue)) {
                    lastClaim = System.nanoTime();
                    Instant now = clock.instant();
                    List<MailQueue.Entry> due = queue.claimDue(now, free, settings.lease());
                    if (due.size() == free) worthClaiming.set(true);
                    for (MailQueue.Entry entry : due) {
                        busy.incrementAndGet();
                        start(entry, now.plus(settings.lease()));
                    }
                    if (!due.isEmpty()) continue;
                }
            } catch (IOException | RuntimeException e) {
                log.warn("queue runner: {}", e.toString());
            }
            synchronized (wake) {
                try {
                    // Woken in between with a worker free: no wait, claim at once.
                    boolean claimNow = worthClaiming.get() && busy.get() < settings.maxConcurrent();
                    if (running && !claimNow) wake.wait(settings.pollInterval().toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Delivers a claimed entry on a worker; its worker was counted in {@link #busy} already. */
    private void start(MailQueue.Entry entry, Instant leaseUntil) {
        leasedUntil.put(entry.id(), leaseUntil);
        workers.execute(() -> {
            try {
                process(entry);
            } catch (RuntimeException | IOException e) {
                log.warn("queue={} delivery round failed: {}", entry.id(), e.toString());
            } finally {
                leasedUntil.remove(entry.id());
                busy.decrementAndGet();
                workerFree();
            }
        });
    }

    /**
     * Queues a message, and when a worker is free now, claims it in the same write transaction and hands it to
     * that worker at once ({@link MailQueue#enqueueClaimed}): no wake-up of the scheduler, no claim transaction of
     * its own, one thread hand-over less. With every worker busy it is queued as by {@link MailQueue#enqueue} and
     * the scheduler finds it. Returns the queue id.
     */
    public String enqueue(String blobId, String sender, List<String> recipients, Dsn dsn, Instant now)
            throws IOException {
        if (!running || !reserveWorker()) {
            String id = queue.enqueue(blobId, sender, recipients, dsn, now);
            wakeUp();
            return id;
        }
        MailQueue.Entry entry;
        Instant leaseUntil = clock.instant().plus(settings.lease());
        try {
            entry = queue.enqueueClaimed(blobId, sender, recipients, dsn, now, leaseUntil);
        } catch (IOException | RuntimeException e) {
            busy.decrementAndGet();
            workerFree();
            throw e;
        }
        try {
            start(entry, leaseUntil);
        } catch (RuntimeException e) {
            // The pool is shutting down: the lease ends now, so that the next start takes the message at once.
            leasedUntil.remove(entry.id());
            busy.decrementAndGet();
            log.warn("queue={} not started: {}", entry.id(), e.toString());
            queue.extendLeases(List.of(entry.id()), clock.instant());
        }
        return entry.id();
    }

    /** Takes a worker if one is free (what the scheduler's claims leave). */
    private boolean reserveWorker() {
        while (true) {
            int b = busy.get();
            if (b >= settings.maxConcurrent()) return false;
            if (busy.compareAndSet(b, b + 1)) return true;
        }
    }

    /**
     * Extends, by a whole lease, the leases of deliveries that have used half of theirs, so that a slow
     * delivery is never taken up by another worker while it runs. Deliveries take milliseconds to minutes
     * and leases default to 30 minutes: this writes nothing in normal operation.
     */
    private void extendLongLeases() throws IOException {
        Instant now = clock.instant();
        Instant renewBefore = now.plus(settings.lease().dividedBy(2));
        List<String> ids = new ArrayList<>();
        for (Map.Entry<String, Instant> e : leasedUntil.entrySet()) {
            if (e.getValue().isBefore(renewBefore)) ids.add(e.getKey());
        }
        if (ids.isEmpty()) return;
        Instant until = now.plus(settings.lease());
        queue.extendLeases(ids, until);
        for (String id : ids) leasedUntil.computeIfPresent(id, (k, old) -> until);
        log.info("queue: extended the lease of {} slow deliveries until {}", ids.size(), until);
    }

    /** One delivery round of one entry: every pending recipient, grouped by domain. */
    void process(MailQueue.Entry entry) throws IOException {
        Map<String, List<String>> byDomain = new LinkedHashMap<>();
        for (MailQueue.Recipient r : entry.recipients()) {
            if (r.state() != MailQueue.RecipientState.PENDING) continue;
            byDomain.computeIfAbsent(domainOf(r.address()), d -> new ArrayList<>()).add(r.address());
        }
        List<RemoteDelivery.RecipientOutcome> outcomes = new ArrayList<>();
        List<MailQueue.Attempt> attempts = new ArrayList<>();
        for (Map.Entry<String, List<String>> group : byDomain.entrySet()) {
            Semaphore limit = perDestination.computeIfAbsent(group.getKey(),
                    d -> new Semaphore(settings.maxPerDestination()));
            limit.acquireUninterruptibly();
            try {
                RemoteDelivery.DomainResult result = remote.deliver(entry, group.getKey(), group.getValue());
                outcomes.addAll(result.outcomes());
                attempts.add(result.attempt());
            } finally {
                limit.release();
            }
        }
        Instant now = clock.instant();
        Instant expires = entry.created().plus(settings.lifetime());
        boolean expired = !now.isBefore(expires);
        List<Bounces.Report> failed = new ArrayList<>();
        List<Bounces.Report> delivered = new ArrayList<>();
        List<Bounces.Report> delayed = new ArrayList<>();
        List<MailQueue.Outcome> recorded = new ArrayList<>();
        String lastError = null;
        for (RemoteDelivery.RecipientOutcome o : outcomes) {
            switch (o.result()) {
                case DELIVERED:
                    recorded.add(new MailQueue.Outcome(o.address(), MailQueue.RecipientState.DELIVERED, o.diagnostic()));
                    // RFC 3461 section 5.2.2: a server that knows DSN got NOTIFY and reports itself; else "relayed".
                    if (!o.remoteDsn()) {
                        delivered.add(new Bounces.Report(o.address(), Bounces.Action.RELAYED, o.status(),
                                o.diagnostic(), o.remoteMta()));
                    }
                    break;
                case PERMANENT:
                    recorded.add(new MailQueue.Outcome(o.address(), MailQueue.RecipientState.FAILED, o.diagnostic()));
                    failed.add(new Bounces.Report(o.address(), Bounces.Action.FAILED, o.status(), o.diagnostic(),
                            o.remoteMta()));
                    break;
                default:
                    lastError = o.diagnostic();
                    if (expired) {
                        recorded.add(new MailQueue.Outcome(o.address(), MailQueue.RecipientState.FAILED, o.diagnostic()));
                        failed.add(new Bounces.Report(o.address(), Bounces.Action.FAILED, "5.4.7",
                                "gave up after " + settings.lifetime() + ": " + o.diagnostic(), o.remoteMta()));
                    } else {
                        recorded.add(new MailQueue.Outcome(o.address(), MailQueue.RecipientState.PENDING, o.diagnostic()));
                        delayed.add(new Bounces.Report(o.address(), Bounces.Action.DELAYED, o.status(), o.diagnostic(),
                                o.remoteMta()));
                    }
            }
        }
        if (!failed.isEmpty()) bounces.send(entry, failed, null);
        if (!delivered.isEmpty()) bounces.send(entry, delivered, null);
        boolean warnNow = !delayed.isEmpty() && !entry.warned() && !settings.warnAfter().isZero()
                && !now.isBefore(entry.created().plus(settings.warnAfter()));
        if (warnNow) {
            bounces.send(entry, delayed, expires);
            queue.markWarned(entry.id());
        }
        Instant next = now.plus(settings.retryInterval(entry.attempts() + 1));
        queue.recordAttempt(entry.id(), recorded, next, lastError, attempts);
        countResults(recorded);
        if (log.isInfoEnabled()) log.info("queue={} attempt {}: {} delivered, {} failed, {} deferred{}", entry.id(), entry.attempts() + 1,
                recorded.stream().filter(o -> o.state() == MailQueue.RecipientState.DELIVERED).count(), failed.size(),
                delayed.size(), delayed.isEmpty() ? "" : " until " + next);
    }

    /** Per recipient, once its attempt is recorded: delivered, deferred (still pending) or bounced. */
    private static void countResults(List<MailQueue.Outcome> recorded) {
        int delivered = 0;
        int deferred = 0;
        int bounced = 0;
        for (MailQueue.Outcome o : recorded) {
            switch (o.state()) {
                case DELIVERED: delivered++; break;
                case PENDING: deferred++; break;
                default: bounced++;
            }
        }
        Metrics metrics = Metrics.get();
        if (delivered > 0) metrics.remoteResult(Metrics.RemoteResult.DELIVERED, delivered);
        if (deferred > 0) metrics.remoteResult(Metrics.RemoteResult.DEFERRED, deferred);
        if (bounced > 0) metrics.remoteResult(Metrics.RemoteResult.BOUNCED, bounced);
    }

    private static String domainOf(String address) {
        try {
            return MailAddress.parse(address).asciiDomain();
        } catch (IllegalArgumentException e) {
            int at = address.lastIndexOf('@');
            return at < 0 ? address : address.substring(at + 1).toLowerCase(java.util.Locale.ROOT);
        }
    }

    @Override
    public void close() {
        running = false;
        wakeUp();
        Thread t = scheduler;
        if (t != null) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        workers.shutdown();
        try {
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) workers.shutdownNow();
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        remote.closeConnections();
    }
}
