package org.mailroom.mailauth.testing;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.mailroom.core.dns.DnsResolver;

/**
 * An in-memory DNS for mail authentication tests: TXT records by name, names that answer SERVFAIL
 * (TEMPORARY_FAILURE), and every other name NXDOMAIN. Counts the questions asked, to check look-up limits and that
 * a check asked nothing. Names are compared without case and without a trailing dot.
 *
 * <p>Example: {@code new ZoneResolver().txt("sel._domainkey.example.org", "v=DKIM1; k=ed25519; p=...")
 * .failing("sel._domainkey.broken.example")}.
 */
public final class ZoneResolver implements DnsResolver {

    private final Map<String, List<String>> txt = new ConcurrentHashMap<>();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private final Set<String> existing = ConcurrentHashMap.newKeySet();
    private final AtomicInteger queries = new AtomicInteger();

    /** Adds TXT records at a name (replacing those there). */
    public ZoneResolver txt(String name, String... records) {
        txt.put(key(name), List.of(records));
        return this;
    }

    /** A name that exists without TXT records (NOERROR, empty answer). */
    public ZoneResolver empty(String name) {
        existing.add(key(name));
        return this;
    }

    /** A name whose every question fails temporarily (SERVFAIL, timeout). */
    public ZoneResolver failing(String name) {
        failing.add(key(name));
        return this;
    }

    /** How many questions were asked so far. */
    public int queries() {
        return queries.get();
    }

    @Override
    public Answer<String> txt(String name) {
        queries.incrementAndGet();
        String k = key(name);
        if (failing.contains(k)) {
            return new Answer<>(Status.TEMPORARY_FAILURE, List.of(), "TXT " + name + ": SERVFAIL (test)");
        }
        List<String> records = txt.get(k);
        if (records != null && !records.isEmpty()) {
            return new Answer<>(Status.FOUND, records, "TXT " + name + ": " + records.size() + " records (test)");
        }
        if (records != null || existing.contains(k)) {
            return new Answer<>(Status.NO_RECORDS, List.of(), "TXT " + name + ": no records (test)");
        }
        return new Answer<>(Status.NO_SUCH_DOMAIN, List.of(), "TXT " + name + ": NXDOMAIN (test)");
    }

    @Override
    public Answer<Mx> mx(String domain) {
        queries.incrementAndGet();
        return new Answer<>(failing.contains(key(domain)) ? Status.TEMPORARY_FAILURE : Status.NO_SUCH_DOMAIN,
                List.of(), "MX " + domain + " (test: no MX records served)");
    }

    @Override
    public Answer<InetAddress> addresses(String host) {
        queries.incrementAndGet();
        return new Answer<>(failing.contains(key(host)) ? Status.TEMPORARY_FAILURE : Status.NO_SUCH_DOMAIN,
                List.of(), "A/AAAA " + host + " (test: no addresses served)");
    }

    @Override
    public Answer<String> ptr(InetAddress address) {
        queries.incrementAndGet();
        return new Answer<>(Status.NO_SUCH_DOMAIN, List.of(), "PTR " + address.getHostAddress() + " (test)");
    }

    private static String key(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
