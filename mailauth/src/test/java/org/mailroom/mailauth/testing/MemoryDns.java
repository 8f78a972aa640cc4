package org.mailroom.mailauth.testing;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.mailroom.core.dns.DnsResolver;

/**
 * A DNS in memory for tests: names hold TXT, A/AAAA, MX, CNAME and PTR records; a name may time out (every
 * question about it, or one type only). A name with no records at all does not exist (NXDOMAIN); a name with
 * records of other types answers NO_RECORDS. CNAMEs are followed, as {@link DnsResolver} promises.
 */
public final class MemoryDns implements DnsResolver {

    private final Map<String, List<String>> txt = new ConcurrentHashMap<>();
    private final Map<String, List<InetAddress>> addresses = new ConcurrentHashMap<>();
    private final Map<String, List<Mx>> mx = new ConcurrentHashMap<>();
    private final Map<String, String> cname = new ConcurrentHashMap<>();
    private final Map<String, List<String>> ptr = new ConcurrentHashMap<>();
    private final Set<String> exists = ConcurrentHashMap.newKeySet();
    private final Set<String> timeouts = ConcurrentHashMap.newKeySet(); // "name" or "name TYPE"
    /** How many questions were asked, for tests of the limits. */
    public final AtomicInteger questions = new AtomicInteger();

    public MemoryDns txt(String name, String... records) {
        String n = key(name);
        exists.add(n);
        txt.computeIfAbsent(n, k -> new ArrayList<>()).addAll(List.of(records));
        return this;
    }

    public MemoryDns a(String name, String... ips) {
        String n = key(name);
        exists.add(n);
        for (String ip : ips) addresses.computeIfAbsent(n, k -> new ArrayList<>()).add(ip(ip));
        return this;
    }

    public MemoryDns mx(String name, int preference, String host) {
        String n = key(name);
        exists.add(n);
        mx.computeIfAbsent(n, k -> new ArrayList<>()).add(new Mx(preference, key(host)));
        return this;
    }

    public MemoryDns cname(String name, String target) {
        String n = key(name);
        exists.add(n);
        cname.put(n, key(target));
        return this;
    }

    /** A PTR record at the reverse name of {@code ip}. */
    public MemoryDns ptr(String ip, String host) {
        String n = reverseName(ip(ip));
        exists.add(n);
        ptr.computeIfAbsent(n, k -> new ArrayList<>()).add(key(host));
        return this;
    }

    /** A PTR record at a reverse name written out (as the RFC 7208 suite writes them). */
    public MemoryDns ptrAt(String reverseName, String host) {
        String n = key(reverseName);
        exists.add(n);
        ptr.computeIfAbsent(n, k -> new ArrayList<>()).add(key(host));
        return this;
    }

    /** Every question about the name times out. */
    public MemoryDns timeout(String name) {
        timeouts.add(key(name));
        return this;
    }

    /** Questions of one type (TXT, A, AAAA, MX, PTR) about the name time out. */
    public MemoryDns timeout(String name, String type) {
        exists.add(key(name));
        timeouts.add(key(name) + " " + type.toUpperCase(Locale.ROOT));
        return this;
    }

    /** A name that exists without records (NOERROR, empty answer): as {@link #exists}. */
    public MemoryDns empty(String name) {
        return exists(name);
    }

    /** A name whose every question fails temporarily (SERVFAIL or timeout): as {@link #timeout(String)}. */
    public MemoryDns failing(String name) {
        return timeout(name);
    }

    /** How many questions were asked so far. */
    public int queries() {
        return questions.get();
    }

    /** Makes a name exist without records of any type asked here. */
    public MemoryDns exists(String name) {
        exists.add(key(name));
        return this;
    }

    @Override
    public Answer<Mx> mx(String domain) {
        return answer(domain, "MX", mx);
    }

    @Override
    public Answer<InetAddress> addresses(String host) {
        questions.incrementAndGet();
        String n = follow(key(host));
        boolean t4 = timeouts.contains(n + " A");
        boolean t6 = timeouts.contains(n + " AAAA");
        if (timeouts.contains(n) || (t4 && t6)) return temp(n);
        List<InetAddress> found = new ArrayList<>();
        for (InetAddress ip : addresses.getOrDefault(n, List.of())) if (ip instanceof Inet6Address && !t6) found.add(ip);
        for (InetAddress ip : addresses.getOrDefault(n, List.of())) if (ip instanceof Inet4Address && !t4) found.add(ip);
        if ((t4 || t6) && found.isEmpty()) return temp(n);
        return result(n, found);
    }

    @Override
    public Answer<String> txt(String name) {
        return answer(name, "TXT", txt);
    }

    @Override
    public Answer<String> ptr(InetAddress address) {
        questions.incrementAndGet();
        String n = reverseName(address);
        if (timeouts.contains(n) || timeouts.contains(n + " PTR")) return temp(n);
        return result(n, ptr.getOrDefault(n, List.of()));
    }

    private <T> Answer<T> answer(String name, String type, Map<String, List<T>> table) {
        questions.incrementAndGet();
        String n = follow(key(name));
        if (timeouts.contains(n) || timeouts.contains(n + " " + type)) return temp(n);
        return result(n, table.getOrDefault(n, List.of()));
    }

    private <T> Answer<T> result(String n, List<T> records) {
        if (!records.isEmpty()) return new Answer<>(Status.FOUND, records, n);
        if (exists.contains(n)) return new Answer<>(Status.NO_RECORDS, List.of(), n);
        return new Answer<>(Status.NO_SUCH_DOMAIN, List.of(), n);
    }

    private static <T> Answer<T> temp(String n) {
        return new Answer<>(Status.TEMPORARY_FAILURE, List.of(), n + ": timeout");
    }

    private String follow(String n) {
        for (int hops = 0; hops < 8 && cname.containsKey(n); hops++) n = cname.get(n);
        return n;
    }

    private static String key(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    public static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal); // literals only: no DNS
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    static String reverseName(InetAddress ip) {
        byte[] b = ip.getAddress();
        StringBuilder sb = new StringBuilder();
        if (b.length == 4) {
            for (int k = 3; k >= 0; k--) sb.append(b[k] & 0xff).append('.');
            return sb.append("in-addr.arpa").toString();
        }
        for (int k = 15; k >= 0; k--) {
            sb.append(Character.forDigit(b[k] & 0xf, 16)).append('.').append(Character.forDigit((b[k] >> 4) & 0xf, 16)).append('.');
        }
        return sb.append("ip6.arpa").toString();
    }
}
