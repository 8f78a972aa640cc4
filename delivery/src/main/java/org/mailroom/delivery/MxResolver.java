package org.mailroom.delivery;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.mailroom.core.dns.DnsResolver;
import org.mailroom.core.dns.DnsResolver.Answer;
import org.mailroom.core.dns.DnsResolver.Mx;

/**
 * Where mail for a domain goes (RFC 5321 section 5.1): its MX hosts by preference, equal preferences in
 * random order to spread the load, each host's addresses (IPv6 first); the domain's own address when it has
 * no MX (the implicit MX); nowhere for a null MX (RFC 7505) or a domain that does not exist. With a smart
 * host configured, every domain goes there instead.
 *
 * <p>Loops: if our own name is among the MX hosts, only the hosts preferred to us are candidates (section
 * 5.1: "the list of MX RRs MUST be ... discarded" from our preference on); if none is left, the mail would
 * come back to us, which is a loop (5.4.6), not a delivery.
 */
public final class MxResolver {

    /** Hosts and addresses tried per attempt: enough for real redundancy, bounded against hostile zones. */
    public static final int MAX_HOSTS = 5;
    public static final int MAX_ADDRESSES = 10;

    /** One host to try, with its addresses in the order to try them. */
    public record Host(String name, int preference, List<InetSocketAddress> addresses) {
        public Host {
            addresses = List.copyOf(addresses);
        }
    }

    public enum Kind { ROUTE, PERMANENT_FAILURE, TEMPORARY_FAILURE }

    /**
     * The answer for one domain.
     *
     * @param status      RFC 3463 code of a failure ("5.1.10", "4.4.3"), null for a route
     * @param diagnostic  the reason, for the bounce and the history
     * @param dns         each DNS answer used, for the history
     */
    public record Route(Kind kind, List<Host> hosts, String status, String diagnostic, List<String> dns) {
        public Route {
            hosts = List.copyOf(hosts);
            dns = List.copyOf(dns);
        }
    }

    private final DnsResolver dns;
    private final int port;
    private final Set<String> ourNames;
    private final InetSocketAddress relayHostAddress;
    private final String relayHostName;
    private final Random random;

    /**
     * @param port      the port of remote MXs (25; tests use another)
     * @param ourNames  our own host names, lower case: an MX naming one of them is us
     * @param relayHost a smart host's name and port, or null to look up MX records
     */
    public MxResolver(DnsResolver dns, int port, Set<String> ourNames, String relayHost, int relayPort, Random random) {
        this.dns = dns;
        this.port = port;
        this.ourNames = Set.copyOf(ourNames);
        this.relayHostName = relayHost;
        this.relayHostAddress = relayHost == null ? null : InetSocketAddress.createUnresolved(relayHost, relayPort);
        this.random = random;
    }

    public Route resolve(String asciiDomain) {
        List<String> log = new ArrayList<>();
        if (relayHostName != null) return viaRelay(log);
        String domain = asciiDomain.toLowerCase(Locale.ROOT);
        if (domain.startsWith("[") && domain.endsWith("]")) return literal(domain, log);

        Answer<Mx> mx = dns.mx(domain);
        log.add(mx.detail());
        switch (mx.status()) {
            case NO_SUCH_DOMAIN:
                return failure(Kind.PERMANENT_FAILURE, "5.1.2", "domain " + domain + " does not exist (NXDOMAIN)", log);
            case TEMPORARY_FAILURE:
                return failure(Kind.TEMPORARY_FAILURE, "4.4.3", "DNS failure looking up MX of " + domain, log);
            case NO_RECORDS:
                return implicitMx(domain, log);
            default:
                break;
        }
        for (Mx record : mx.records()) {
            // RFC 7505 section 3: a null MX says the domain accepts no mail at all.
            if (record.isNullMx()) {
                return failure(Kind.PERMANENT_FAILURE, "5.1.10", "domain " + domain + " accepts no mail (null MX)", log);
            }
        }
        List<Mx> ordered = orderByPreference(mx.records());
        Integer ours = null;
        for (Mx record : ordered) {
            if (ourNames.contains(record.host())) {
                ours = record.preference();
                break;
            }
        }
        List<Host> hosts = new ArrayList<>();
        int addressCount = 0;
        for (Mx record : ordered) {
            if (ours != null && record.preference() >= ours) break;
            if (hosts.size() >= MAX_HOSTS || addressCount >= MAX_ADDRESSES) break;
            Answer<InetAddress> addresses = dns.addresses(record.host());
            log.add(addresses.detail());
            if (!addresses.found()) {
                continue;
            }
            List<InetSocketAddress> sockets = new ArrayList<>();
            for (InetAddress a : addresses.records()) {
                if (addressCount++ >= MAX_ADDRESSES) break;
                sockets.add(new InetSocketAddress(a, port));
            }
            hosts.add(new Host(record.host(), record.preference(), sockets));
        }
        if (!hosts.isEmpty()) return new Route(Kind.ROUTE, hosts, null, null, log);
        if (ours != null) {
            return failure(Kind.PERMANENT_FAILURE, "5.4.6", "mail for " + domain + " loops back to myself (MX " + ours + ")", log);
        }
        // MX hosts without addresses: likely a broken or changing zone; the next attempt may find them.
        return failure(Kind.TEMPORARY_FAILURE, "4.4.4",
                "no address for any MX host of " + domain, log);
    }

    /** RFC 5321 section 5.1: no MX, so the domain's own address is the one host, preference 0. */
    private Route implicitMx(String domain, List<String> log) {
        Answer<InetAddress> addresses = dns.addresses(domain);
        log.add(addresses.detail());
        switch (addresses.status()) {
            case FOUND:
                if (ourNames.contains(domain)) {
                    return failure(Kind.PERMANENT_FAILURE, "5.4.6", "mail for " + domain + " loops back to myself", log);
                }
                List<InetSocketAddress> sockets = new ArrayList<>();
                for (InetAddress a : addresses.records()) {
                    if (sockets.size() < MAX_ADDRESSES) sockets.add(new InetSocketAddress(a, port));
                }
                return new Route(Kind.ROUTE, List.of(new Host(domain, 0, sockets)), null, null, log);
            case TEMPORARY_FAILURE:
                return failure(Kind.TEMPORARY_FAILURE, "4.4.3", "DNS failure looking up the address of " + domain, log);
            default:
                return failure(Kind.PERMANENT_FAILURE, "5.1.2", "domain " + domain + " has no MX and no address", log);
        }
    }

    private Route viaRelay(List<String> log) {
        log.add("relay host " + relayHostName + ":" + relayHostAddress.getPort() + " (outbound.relay_host)");
        List<InetSocketAddress> sockets = new ArrayList<>();
        if (isIpLiteral(relayHostName)) {
            sockets.add(new InetSocketAddress(relayHostName, relayHostAddress.getPort()));
        } else {
            Answer<InetAddress> addresses = dns.addresses(relayHostName);
            log.add(addresses.detail());
            if (!addresses.found()) {
                return failure(Kind.TEMPORARY_FAILURE, "4.4.3", "no address for relay host " + relayHostName, log);
            }
            for (InetAddress a : addresses.records()) sockets.add(new InetSocketAddress(a, relayHostAddress.getPort()));
        }
        return new Route(Kind.ROUTE, List.of(new Host(relayHostName, 0, sockets)), null, null, log);
    }

    /** {@code [192.0.2.1]} or {@code [IPv6:2001:db8::1]} (RFC 5321 section 4.1.3): no DNS at all. */
    private Route literal(String domain, List<String> log) {
        String inside = domain.substring(1, domain.length() - 1);
        if (inside.toLowerCase(Locale.ROOT).startsWith("ipv6:")) inside = inside.substring(5);
        if (!isIpLiteral(inside)) {
            return failure(Kind.PERMANENT_FAILURE, "5.1.2", "bad address literal " + domain, log);
        }
        log.add("address literal " + domain);
        return new Route(Kind.ROUTE, List.of(new Host(domain, 0, List.of(new InetSocketAddress(inside, port)))),
                null, null, log);
    }

    private static boolean isIpLiteral(String s) {
        return s.matches("[0-9.]+") || s.contains(":");
    }

    /** Sorted by preference; hosts of equal preference shuffled (RFC 5321 section 5.1). */
    private List<Mx> orderByPreference(List<Mx> records) {
        Map<Integer, List<Mx>> byPreference = new LinkedHashMap<>();
        List<Mx> sorted = new ArrayList<>(records);
        sorted.sort((a, b) -> Integer.compare(a.preference(), b.preference()));
        for (Mx m : sorted) byPreference.computeIfAbsent(m.preference(), p -> new ArrayList<>()).add(m);
        List<Mx> out = new ArrayList<>();
        for (List<Mx> same : byPreference.values()) {
            Collections.shuffle(same, random);
            out.addAll(same);
        }
        return out;
    }

    private static Route failure(Kind kind, String status, String diagnostic, List<String> log) {
        return new Route(kind, List.of(), status, diagnostic, log);
    }
}
