package org.mailroom.delivery.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outcome of every outbound TLS session, counted per policy domain, UTC day and policy (RFC 8460 section
 * 4.4: successes, and failures by result type, receiving MX and address), until {@link TlsReportSender} sends
 * the day's report.
 *
 * <p>Counts live in memory and are written to {@code tls-reports.json} in the data directory by {@link #flush}
 * (every minute and on shutdown): a crash loses at most a minute of counts, which a statistical report can
 * afford, and a delivery never waits for a disk write. Per node with PostgreSQL: each node reports its own
 * sessions, as separate sending MTAs do.
 */
public final class TlsReports {

    public static final String FILE_NAME = "tls-reports.json";

    /**
     * The policy a session was held under, as the report names it.
     *
     * @param type    "sts", "tlsa" or "no-policy-found"
     * @param strings the policy's text lines or TLSA records
     * @param mxHosts the policy's mx patterns (sts) or the MX host (tlsa)
     */
    public record Policy(String domain, String type, List<String> strings, List<String> mxHosts) {
        public Policy {
            strings = List.copyOf(strings);
            mxHosts = List.copyOf(mxHosts);
        }

        public static Policy none(String domain) {
            return new Policy(domain, "no-policy-found", List.of(), List.of());
        }
    }

    /** One kind of failure and how often. */
    public static final class Failure {
        public String resultType;
        public String receivingMxHostname;
        public String receivingIp;
        public String additionalInformation;
        public long count;
    }

    /** One policy's counts on one day. */
    public static final class Counts {
        public String domain;
        public String day;
        public String policyType;
        public List<String> policyStrings = new ArrayList<>();
        public List<String> mxHosts = new ArrayList<>();
        public long success;
        public long failure;
        public List<Failure> failures = new ArrayList<>();

        String key() {
            return domain + "|" + day + "|" + policyType + "|" + policyStrings + "|" + mxHosts;
        }
    }

    private static final Logger log = LoggerFactory.getLogger(TlsReports.class);
    /** Failure kinds kept per policy and day: a hostile MX cannot grow the file without bound. */
    private static final int MAX_FAILURE_KINDS = 100;
    /** Policies counted per day, a bound on memory and on the file rewritten every minute (about 10 MiB). */
    private static final int MAX_POLICIES = 20_000;

    private final Path file;
    private final Clock clock;
    private final Map<String, Counts> counts = new LinkedHashMap<>();
    private boolean dirty;

    /** @param file where counts are kept, or null for memory only */
    public TlsReports(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
        if (file != null) {
            try {
                Counts[] saved = JsonFiles.read(file, Counts[].class);
                if (saved != null) for (Counts c : saved) counts.put(c.key(), c);
            } catch (IOException e) {
                log.warn("TLS report counts ignored: {}", e.getMessage());
            }
        }
    }

    public synchronized void success(Policy policy) {
        counts(policy).success++;
        dirty = true;
    }

    /** A session (or a policy look-up) that failed, with its RFC 8460 result type. */
    public synchronized void failure(Policy policy, String resultType, String mxHost, String ip, String information) {
        Counts c = counts(policy);
        c.failure++;
        dirty = true;
        for (Failure f : c.failures) {
            if (f.resultType.equals(resultType) && Objects.equals(f.receivingMxHostname, mxHost)
                    && Objects.equals(f.receivingIp, ip)) {
                f.count++;
                f.additionalInformation = information;
                return;
            }
        }
        if (c.failures.size() >= MAX_FAILURE_KINDS) return;
        Failure f = new Failure();
        f.resultType = resultType;
        f.receivingMxHostname = mxHost;
        f.receivingIp = ip;
        f.additionalInformation = information;
        f.count = 1;
        c.failures.add(f);
    }

    private Counts counts(Policy policy) {
        Counts fresh = new Counts();
        fresh.domain = policy.domain();
        fresh.day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toString();
        fresh.policyType = policy.type();
        fresh.policyStrings = new ArrayList<>(policy.strings());
        fresh.mxHosts = new ArrayList<>(policy.mxHosts());
        Counts known = counts.get(fresh.key());
        if (known != null) return known;
        // XXX: past the bound, new domains are counted in a throw-away entry: their reports are lost, not the mail.
        if (counts.size() < MAX_POLICIES) counts.put(fresh.key(), fresh);
        return fresh;
    }

    /** The counts of days before {@code day}, the ones a report may be sent for (no longer changed). */
    public synchronized List<Counts> before(LocalDate day) {
        List<Counts> out = new ArrayList<>();
        String limit = day.toString();
        for (Counts c : counts.values()) if (c.day.compareTo(limit) < 0) out.add(c);
        return out;
    }

    /** Forgets counts once reported (or given up on). */
    public synchronized void remove(List<Counts> done) {
        for (Counts c : done) counts.remove(c.key());
        dirty = true;
    }

    /** Writes the counts when they changed. */
    public synchronized void flush() {
        if (!dirty || file == null) return;
        try {
            JsonFiles.write(file, counts.values().toArray(new Counts[0]));
            dirty = false;
        } catch (IOException e) {
            log.warn("cannot save TLS report counts: {}", e.getMessage());
        }
    }
}
