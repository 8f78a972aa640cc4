package org.mailroom.core.dns;

import java.net.InetAddress;
import java.util.List;

/**
 * The DNS questions mail delivery and mail authentication ask: MX, A/AAAA, TXT and PTR. Every answer says whether the name exists,
 * because the outbound MTA treats "does not exist" (NXDOMAIN: bounce now) and "could not find out"
 * (SERVFAIL, timeout: try again later) in opposite ways (RFC 5321 section 5.1).
 *
 * <p>Example: {@code resolver.mx("example.org")} gives {@code FOUND [10 mx1.example.org, 20 mx2.example.org]},
 * {@code NO_RECORDS} when the domain exists without MX (then its own address is the implicit MX), or
 * {@code NO_SUCH_DOMAIN}. CNAMEs are followed. Implementations cache answers for their TTL and are thread-safe.
 * Names are in ASCII (A-label) form, without the trailing dot.
 */
public interface DnsResolver {

    enum Status {
        /** At least one record of the type asked. */
        FOUND,
        /** The name exists but has no record of this type (NOERROR, empty answer). */
        NO_RECORDS,
        /** NXDOMAIN: the name does not exist. */
        NO_SUCH_DOMAIN,
        /** SERVFAIL, REFUSED, timeout, network error: ask again later. */
        TEMPORARY_FAILURE
    }

    /** One MX record; {@code host} is {@code "."} for the null MX of RFC 7505. */
    record Mx(int preference, String host) {
        public boolean isNullMx() {
            return ".".equals(host) || host.isEmpty();
        }

        @Override
        public String toString() {
            return preference + " " + host;
        }
    }

    /**
     * An answer.
     *
     * @param records the records found, empty unless {@link Status#FOUND}
     * @param detail  for the delivery history: what was asked, what came back, with TTLs or the error
     */
    record Answer<T>(Status status, List<T> records, String detail) {
        public Answer {
            records = List.copyOf(records);
        }

        public boolean found() {
            return status == Status.FOUND;
        }
    }

    Answer<Mx> mx(String domain);

    /** AAAA and A records of a host, IPv6 first; FOUND when either type has records. */
    Answer<InetAddress> addresses(String host);

    /** TXT records, each record's character-strings joined into one string (RFC 7208 section 3.3). */
    Answer<String> txt(String name);

    /** PTR records of an address (the names it maps back to), for SPF's {@code ptr} and {@code %{p}}. */
    Answer<String> ptr(InetAddress address);
}
