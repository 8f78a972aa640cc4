package org.mailroom.server.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mailroom.core.metrics.Metrics;
import org.mailroom.core.store.MailQueue;

/**
 * {@link Metrics} kept in Micrometer and written in Prometheus' text format for {@code GET /metrics}. The meters
 * are made once per label value and then only incremented (an atomic add); labels come from small fixed sets
 * (protocols, TLS versions, delivery results, reply codes), never from addresses or text a client chose.
 *
 * <p>The queue gauges read {@link MailQueue#summary()} (one aggregate query) at most once a second, however
 * many scrapers ask.
 */
public final class PrometheusMetrics implements Metrics, AutoCloseable {

    /** "550 5.1.1 <x@y>: Recipient ..." keeps "550 5.1.1"; a reply without an enhanced code keeps "550". */
    private static final Pattern REPLY = Pattern.compile("^([245]\\d\\d)(?: ([245]\\.\\d{1,3}\\.\\d{1,3}))?");
    /** Distinct refusal labels kept before the rest are counted as "other" (a guard; ours are a few dozen). */
    private static final int MAX_REPLY_LABELS = 200;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Map<String, Counter> opened = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> active = new ConcurrentHashMap<>();
    private final Map<String, Counter> loginFailures = new ConcurrentHashMap<>();
    private final Map<String, Counter> tlsVersions = new ConcurrentHashMap<>();
    private final Map<String, Counter> refused = new ConcurrentHashMap<>();
    private final Counter accepted;
    private final Counter storedLocally;
    private final Map<RemoteResult, Counter> remote = new ConcurrentHashMap<>();
    private final Timer storeCommit;
    private final QueueReading queue;

    public PrometheusMetrics(MailQueue mailQueue) {
        accepted = Counter.builder("mailroom.messages.accepted")
                .description("Messages accepted over SMTP (250 after the data)").register(registry);
        storedLocally = delivery("local_stored");
        for (RemoteResult r : RemoteResult.values()) remote.put(r, delivery("remote_" + r.name().toLowerCase()));
        storeCommit = Timer.builder("mailroom.store.commit")
                .description("Durable commit of a message's mailbox copies (local delivery)")
                .publishPercentileHistogram(false).register(registry);
        queue = new QueueReading(mailQueue);
        Gauge.builder("mailroom.queue.messages", queue, q -> q.read().messages())
                .description("Messages in the outbound queue").register(registry);
        Gauge.builder("mailroom.queue.oldest.age", queue, QueueReading::oldestAgeSeconds).baseUnit("seconds")
                .description("Age of the oldest message in the outbound queue; 0 when empty").register(registry);
        for (String protocol : new String[] {"smtp", "pop3", "imap", "http"}) connectionMeters(protocol);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** Every meter in Prometheus' text exposition format (version 0.0.4). */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * The counts the web console's dashboard shows, as JSON members: messages accepted and refused (by reply),
     * deliveries by result, the queue, open connections and failed logins. The console turns two readings into
     * rates; Prometheus users have {@link #scrape()}.
     */
    public Map<String, Object> snapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("accepted", (long) accepted.count());
        Map<String, Long> byReply = new TreeMap<>();
        refused.forEach((reply, c) -> byReply.put(reply, (long) c.count()));
        out.put("refused", byReply.values().stream().mapToLong(Long::longValue).sum());
        out.put("refused_by_reply", byReply);
        Map<String, Long> deliveries = new LinkedHashMap<>();
        deliveries.put("local_stored", (long) storedLocally.count());
        for (RemoteResult r : RemoteResult.values()) {
            deliveries.put("remote_" + r.name().toLowerCase(Locale.ROOT), (long) remote.get(r).count());
        }
        out.put("deliveries", deliveries);
        MailQueue.Summary summary = queue.read();
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("messages", summary.messages());
        q.put("oldest", summary.oldest() == null ? null : summary.oldest().toString());
        q.put("oldest_age_seconds", (long) queue.oldestAgeSeconds());
        out.put("queue", q);
        Map<String, Long> connections = new TreeMap<>();
        active.forEach((protocol, n) -> connections.put(protocol, n.get()));
        out.put("connections", connections);
        Map<String, Long> logins = new TreeMap<>();
        loginFailures.forEach((protocol, c) -> logins.put(protocol, (long) c.count()));
        out.put("login_failures", logins);
        return out;
    }

    @Override
    public void connectionOpened(String protocol) {
        connectionMeters(protocol);
        opened.get(protocol).increment();
        active.get(protocol).incrementAndGet();
    }

    @Override
    public void connectionClosed(String protocol) {
        AtomicLong n = active.get(protocol);
        if (n != null) n.decrementAndGet();
    }

    @Override
    public void messageAccepted() {
        accepted.increment();
    }

    @Override
    public void messageRefused(String reply) {
        Matcher m = REPLY.matcher(reply);
        String label = !m.find() ? "other" : m.group(2) == null ? m.group(1) : m.group(1) + " " + m.group(2);
        if (!refused.containsKey(label) && refused.size() >= MAX_REPLY_LABELS) label = "other";
        refused.computeIfAbsent(label, l -> Counter.builder("mailroom.messages.refused")
                .description("SMTP refusals of recipients and messages, by reply code").tag("reply", l)
                .register(registry)).increment();
    }

    @Override
    public void loginFailed(String protocol) {
        loginFailures.computeIfAbsent(protocol, p -> Counter.builder("mailroom.login.failures")
                .description("Failed logins").tag("protocol", p).register(registry)).increment();
    }

    @Override
    public void tlsSession(String version) {
        tlsVersions.computeIfAbsent(version, v -> Counter.builder("mailroom.tls.sessions")
                .description("TLS handshakes completed by our listeners, by protocol version").tag("version", v)
                .register(registry)).increment();
    }

    @Override
    public void storedLocally(int copies, long nanos) {
        storedLocally.increment(copies);
        storeCommit.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void remoteResult(RemoteResult result, int recipients) {
        remote.get(result).increment(recipients);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    private Counter delivery(String result) {
        return Counter.builder("mailroom.deliveries")
                .description("Recipients delivered: stored in a local mailbox, or the outcome of a remote attempt")
                .tag("result", result).register(registry);
    }

    private void connectionMeters(String protocol) {
        if (opened.containsKey(protocol)) return;
        synchronized (this) {
            if (opened.containsKey(protocol)) return;
            AtomicLong now = new AtomicLong();
            Gauge.builder("mailroom.connections.active", now, AtomicLong::get).description("Connections open now")
                    .tag("protocol", protocol).register(registry);
            active.put(protocol, now);
            opened.put(protocol, Counter.builder("mailroom.connections.opened").description("Connections accepted")
                    .tag("protocol", protocol).register(registry));
        }
    }

    /** The queue's summary, read at most once a second; a failed read shows as the last one known. */
    private static final class QueueReading {
        private static final long MAX_AGE_NANOS = Duration.ofSeconds(1).toNanos();
        private final MailQueue queue;
        private MailQueue.Summary last = new MailQueue.Summary(0, null);
        private long readAt = System.nanoTime() - 2 * MAX_AGE_NANOS;

        QueueReading(MailQueue queue) {
            this.queue = queue;
        }

        synchronized MailQueue.Summary read() {
            long now = System.nanoTime();
            if (now - readAt >= MAX_AGE_NANOS) {
                try {
                    last = queue.summary();
                } catch (IOException | RuntimeException e) {
                    // Keep the last value: /readyz is where an unreachable store shows.
                }
                readAt = now;
            }
            return last;
        }

        double oldestAgeSeconds() {
            Instant oldest = read().oldest();
            return oldest == null ? 0 : Math.max(0, Duration.between(oldest, Instant.now()).toMillis() / 1000.0);
        }
    }
}
