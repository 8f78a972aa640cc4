package org.mailroom.delivery.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.mailroom.core.dns.DnsResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which MTA-STS policy applies to a domain now (RFC 8461 section 3 and 5): the {@code _mta-sts} TXT record
 * says whether a domain has one and its {@code id}; a policy is fetched when none is cached, the cached one
 * has expired, or the id changed; a failed fetch keeps the cached policy while it lasts (section 5.1), so an
 * attacker who blocks the policy server cannot turn enforcement off for a domain we have seen.
 *
 * <p>Policies are kept in memory and in {@code mta-sts-policies.json} in the data directory, so a restart
 * keeps them. With PostgreSQL each node keeps its own file: a node that has not seen a domain yet fetches its
 * policy once, which costs one HTTPS request and no correctness.
 */
public final class MtaStsPolicies {

    public static final String FILE_NAME = "mta-sts-policies.json";

    /** A policy as cached, with the TXT id it was fetched for. Times in epoch seconds. */
    public record Cached(String domain, String id, String text, long fetched, long expires) {}

    /**
     * What applies to a domain.
     *
     * @param policy      the policy to apply, or null for none
     * @param failureType an RFC 8460 result type when discovery failed ("sts-policy-fetch-error",
     *                    "sts-policy-invalid", "sts-webpki-invalid"), even when a cached policy still applies
     * @param detail      for the delivery history
     */
    public record Discovery(MtaStsPolicy policy, String failureType, String detail) {}

    private static final Logger log = LoggerFactory.getLogger(MtaStsPolicies.class);

    private final DnsResolver dns;
    private final PolicyFetcher fetcher;
    private final Path file;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /** @param file where the cache lives, or null for memory only */
    public MtaStsPolicies(DnsResolver dns, PolicyFetcher fetcher, Path file, Clock clock) {
        this.dns = dns;
        this.fetcher = fetcher;
        this.file = file;
        this.clock = clock;
        if (file != null) {
            try {
                Cached[] saved = JsonFiles.read(file, Cached[].class);
                if (saved != null) for (Cached c : saved) cache.put(c.domain(), c);
            } catch (IOException e) {
                log.warn("MTA-STS policy cache ignored, policies are fetched again: {}", e.getMessage());
            }
        }
    }

    public Discovery discover(String asciiDomain) {
        String domain = asciiDomain.toLowerCase(Locale.ROOT);
        long now = clock.instant().getEpochSecond();
        Cached cached = cache.get(domain);
        MtaStsPolicy valid = cached != null && now < cached.expires() ? parseCached(cached) : null;
        DnsResolver.Answer<String> txt = dns.txt("_mta-sts." + domain);
        String id = txt.found() ? recordId(txt.records()) : null;
        if (id == null) {
            // Section 5.1: with no (or no usable) record, a cached policy still applies until it expires.
            if (valid != null) return new Discovery(valid, null, "MTA-STS: " + txt.detail() + "; cached policy id "
                    + cached.id() + " applies until " + Instant.ofEpochSecond(cached.expires()));
            return new Discovery(null, null, "MTA-STS: " + txt.detail() + "; no policy");
        }
        if (valid != null && id.equals(cached.id())) {
            return new Discovery(valid, null, "MTA-STS: policy id " + id + " (cached)");
        }
        try {
            String text = fetcher.fetch(domain);
            MtaStsPolicy policy = MtaStsPolicy.parse(id, text);
            store(new Cached(domain, id, text, now, now + policy.maxAge()));
            return new Discovery(policy, null, "MTA-STS: policy id " + id + " fetched: mode "
                    + policy.mode().name().toLowerCase(Locale.ROOT) + ", mx " + policy.mx() + ", max_age " + policy.maxAge());
        } catch (PolicyFetcher.Failure f) {
            return failed(valid, cached, f.resultType(), f.getMessage());
        } catch (MtaStsPolicy.Invalid e) {
            return failed(valid, cached, "sts-policy-invalid", "policy of " + domain + " is invalid: " + e.getMessage());
        }
    }

    private static Discovery failed(MtaStsPolicy valid, Cached cached, String type, String why) {
        if (valid != null) {
            return new Discovery(valid, type, "MTA-STS: " + why + "; the cached policy id " + cached.id()
                    + " applies until " + Instant.ofEpochSecond(cached.expires()) + " (RFC 8461 section 5.1)");
        }
        return new Discovery(null, type, "MTA-STS: " + why + "; no policy applies");
    }

    /**
     * The id of the one {@code v=STSv1} record (section 3.1); null when there is none, or several (then "the
     * sender MUST assume it has no policy").
     */
    static String recordId(List<String> texts) {
        List<String> ids = new ArrayList<>();
        for (String t : texts) {
            String[] fields = t.split(";");
            if (!fields[0].trim().equals("v=STSv1")) continue;
            String id = null;
            for (String f : fields) {
                String field = f.trim();
                if (field.startsWith("id=")) id = field.substring(3).trim();
            }
            ids.add(id != null && id.matches("[A-Za-z0-9]{1,32}") ? id : null);
        }
        return ids.size() == 1 ? ids.get(0) : null;
    }

    private static MtaStsPolicy parseCached(Cached c) {
        try {
            return MtaStsPolicy.parse(c.id(), c.text());
        } catch (MtaStsPolicy.Invalid e) {
            return null; // only valid policies are cached; a hand-edited file loses the entry
        }
    }

    private synchronized void store(Cached c) {
        cache.put(c.domain(), c);
        if (file == null) return;
        try {
            JsonFiles.write(file, cache.values().toArray(new Cached[0]));
        } catch (IOException e) {
            log.warn("cannot save the MTA-STS policy cache: {}", e.getMessage());
        }
    }
}
