package org.mailroom.delivery.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.mailroom.core.dns.DnsResolver;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
// org.xbill.DNS.Record clashes with java.lang.Record: imported by name.
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * {@link DnsResolver} on dnsjava: asks the configured servers (or the system's) directly, follows CNAME
 * chains, and keeps answers for their TTL (negative answers for the SOA minimum, RFC 2308), read from an
 * injectable clock. Temporary failures are never cached: the next attempt asks again.
 *
 * <p>DNSSEC: this class does not validate. With {@code dnssec} set, it trusts the configured resolver to
 * (it should be on loopback or reached over a trusted path, RFC 7672 section 2.1): queries carry the AD and
 * DO bits (RFC 6840 section 5.7) and an answer is {@link Answer#authenticated()} when every response on the
 * way to it (CNAME hops included) came back with AD set. Without it, no answer is ever authenticated.
 */
public final class DnsjavaResolver implements DnsResolver {

    /** RFC 1034 section 3.6.2 allows chains; eight links are plenty and stop a loop. */
    private static final int MAX_CNAME_LINKS = 8;
    private static final Duration NEGATIVE_TTL_DEFAULT = Duration.ofMinutes(1);
    private static final Duration MAX_TTL = Duration.ofDays(1);

    private record Key(String name, int type) {}

    private record Cached(Lookup lookup, Instant expires) {}

    /** The records of one name and type, after CNAMEs, with the detail line and the TTL to keep them. */
    private record Lookup(Status status, List<Record> records, String detail, Duration ttl, boolean authenticated) {
        Lookup(Status status, List<Record> records, String detail, Duration ttl) {
            this(status, records, detail, ttl, false);
        }
    }

    private final Resolver resolver;
    private final Clock clock;
    private final boolean dnssec;
    private final ConcurrentHashMap<Key, Cached> cache = new ConcurrentHashMap<>();

    /**
     * @param servers the resolvers to ask, in order; empty for the system's (/etc/resolv.conf)
     * @param timeout per query and server
     */
    public DnsjavaResolver(List<InetSocketAddress> servers, Duration timeout, Clock clock) {
        this(servers, timeout, clock, false);
    }

    /** @param dnssec the servers validate DNSSEC: their AD bit is believed (dns.dnssec) */
    public DnsjavaResolver(List<InetSocketAddress> servers, Duration timeout, Clock clock, boolean dnssec) {
        ExtendedResolver extended;
        if (servers.isEmpty()) {
            extended = new ExtendedResolver();
        } else {
            List<Resolver> each = new ArrayList<>();
            for (InetSocketAddress server : servers) each.add(new SimpleResolver(server));
            extended = new ExtendedResolver(each);
        }
        extended.setTimeout(timeout);
        extended.setRetries(1);
        if (dnssec) extended.setEDNS(0, 0, ExtendedFlags.DO);
        this.resolver = extended;
        this.clock = clock;
        this.dnssec = dnssec;
    }

    @Override
    public Answer<Mx> mx(String domain) {
        return answer(domain, Type.MX, r -> {
            MXRecord m = (MXRecord) r;
            return new Mx(m.getPriority(), hostName(m.getTarget()));
        });
    }

    @Override
    public Answer<InetAddress> addresses(String host) {
        Lookup six = lookup(host, Type.AAAA);
        Lookup four = lookup(host, Type.A);
        List<InetAddress> found = new ArrayList<>();
        for (Record r : six.records()) found.add(((AAAARecord) r).getAddress());
        for (Record r : four.records()) found.add(((ARecord) r).getAddress());
        Status status;
        if (!found.isEmpty()) status = Status.FOUND;
        else if (six.status() == Status.TEMPORARY_FAILURE || four.status() == Status.TEMPORARY_FAILURE) {
            status = Status.TEMPORARY_FAILURE;
        } else if (four.status() == Status.NO_SUCH_DOMAIN) status = Status.NO_SUCH_DOMAIN;
        else status = Status.NO_RECORDS;
        return new Answer<>(status, found, six.detail() + "; " + four.detail());
    }

    @Override
    public Answer<String> txt(String name) {
        Lookup lookup = lookup(name, Type.TXT);
        List<String> texts = new ArrayList<>();
        for (Record r : lookup.records()) texts.add(String.join("", ((TXTRecord) r).getStrings()));
        return new Answer<>(lookup.status(), texts, lookup.detail());
    }

    @Override
    public Answer<String> ptr(InetAddress address) {
        String reverse = ReverseMap.fromAddress(address).toString(true);
        Lookup lookup = lookup(reverse, Type.PTR);
        List<String> names = new ArrayList<>();
        for (Record r : lookup.records()) names.add(hostName(((PTRRecord) r).getTarget()));
        return new Answer<>(lookup.status(), names, lookup.detail());
    }

    /**
     * Records of any type as presentation text ({@code "0 1 465 mail.example.org."} for SRV), for {@code mailroom
     * dns check}. A CNAME question gets the CNAME itself, not its target.
     */
    public Answer<String> records(String name, int type) {
        Lookup lookup = lookup(name, type);
        List<String> texts = new ArrayList<>();
        for (Record r : lookup.records()) texts.add(r.rdataToString());
        return new Answer<>(lookup.status(), texts, lookup.detail());
    }

    @Override
    public Answer<Tlsa> tlsa(String name) {
        return answer(name, Type.TLSA, r -> {
            TLSARecord t = (TLSARecord) r;
            return new Tlsa(t.getCertificateUsage(), t.getSelector(), t.getMatchingType(), t.getCertificateAssociationData());
        });
    }

    /** Each record of one lookup as {@code read} makes it, with whether DNSSEC validated them (MX and TLSA for DANE). */
    private <T> Answer<T> answer(String name, int type, Function<Record, T> read) {
        Lookup lookup = lookup(name, type);
        List<T> found = new ArrayList<>();
        for (Record r : lookup.records()) found.add(read.apply(r));
        return new Answer<>(lookup.status(), found, lookup.detail(), lookup.authenticated());
    }

    private Lookup lookup(String name, int type) {
        Key key = new Key(name.toLowerCase(Locale.ROOT), type);
        Instant now = clock.instant();
        Cached cached = cache.get(key);
        if (cached != null && now.isBefore(cached.expires())) return cached.lookup();
        Lookup fresh = query(key.name(), type);
        if (fresh.status() != Status.TEMPORARY_FAILURE) {
            Duration ttl = fresh.ttl().compareTo(MAX_TTL) > 0 ? MAX_TTL : fresh.ttl();
            cache.put(key, new Cached(fresh, now.plus(ttl)));
        }
        return fresh;
    }

    private Lookup query(String name, int type) {
        String what = Type.string(type) + " " + name;
        Name current;
        try {
            current = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            return new Lookup(Status.NO_SUCH_DOMAIN, List.of(), what + ": not a domain name", NEGATIVE_TTL_DEFAULT);
        }
        StringBuilder chain = new StringBuilder();
        boolean authenticated = dnssec;
        for (int link = 0; link <= MAX_CNAME_LINKS; link++) {
            Message response;
            try {
                Message query = Message.newQuery(Record.newRecord(current, type, DClass.IN));
                if (dnssec) query.getHeader().setFlag(Flags.AD);
                response = resolver.send(query);
            } catch (IOException e) {
                return new Lookup(Status.TEMPORARY_FAILURE, List.of(), what + chain + ": " + describe(e), Duration.ZERO);
            }
            authenticated &= response.getHeader().getFlag(Flags.AD);
            String ad = authenticated ? " (AD)" : "";
            int rcode = response.getRcode();
            if (rcode == Rcode.NXDOMAIN) {
                return new Lookup(Status.NO_SUCH_DOMAIN, List.of(), what + chain + ": NXDOMAIN" + ad, negativeTtl(response),
                        authenticated);
            }
            if (rcode != Rcode.NOERROR) {
                return new Lookup(Status.TEMPORARY_FAILURE, List.of(), what + chain + ": " + Rcode.string(rcode),
                        Duration.ZERO);
            }
            // A recursive server answers with the chain and the target's records; follow it name by name.
            List<Record> answer = response.getSection(Section.ANSWER);
            Name target = current;
            for (int i = 0; type != Type.CNAME && i <= MAX_CNAME_LINKS; i++) {
                Name next = cnameOf(answer, target);
                if (next == null) break;
                chain.append(" -> CNAME ").append(hostName(next));
                target = next;
            }
            List<Record> records = new ArrayList<>();
            long ttl = Long.MAX_VALUE;
            for (Record r : answer) {
                if (r.getType() == type && r.getName().equals(target)) {
                    records.add(r);
                    ttl = Math.min(ttl, r.getTTL());
                }
            }
            if (!records.isEmpty()) {
                List<String> shown = new ArrayList<>();
                for (Record r : records) shown.add(r.rdataToString());
                return new Lookup(Status.FOUND, records, what + chain + ": " + String.join(", ", shown)
                        + " (ttl " + ttl + ")" + ad, Duration.ofSeconds(ttl), authenticated);
            }
            if (target.equals(current)) {
                return new Lookup(Status.NO_RECORDS, List.of(), what + chain + ": no records" + ad, negativeTtl(response),
                        authenticated);
            }
            current = target; // the server gave the CNAME only: ask for its target
        }
        return new Lookup(Status.TEMPORARY_FAILURE, List.of(), what + chain + ": CNAME chain too long", Duration.ZERO);
    }

    private static Name cnameOf(List<Record> answer, Name name) {
        for (Record r : answer) {
            if (r.getType() == Type.CNAME && r.getName().equals(name)) return ((CNAMERecord) r).getTarget();
        }
        return null;
    }

    /** RFC 2308 section 5: a negative answer lives for the SOA's minimum (capped by the SOA's own TTL). */
    private static Duration negativeTtl(Message response) {
        for (Record r : response.getSection(Section.AUTHORITY)) {
            if (r instanceof SOARecord) {
                return Duration.ofSeconds(Math.min(r.getTTL(), ((SOARecord) r).getMinimum()));
            }
        }
        return NEGATIVE_TTL_DEFAULT;
    }

    private static String hostName(Name name) {
        if (name.equals(Name.root)) return ".";
        String s = name.toString(true);
        return s.toLowerCase(Locale.ROOT);
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : " " + m);
    }

    /** Forgets every cached answer (tests; an admin command later). */
    public void clearCache() {
        cache.clear();
    }
}
