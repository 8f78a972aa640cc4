package org.mailroom.core.dns;

import java.net.InetAddress;
import java.util.List;

/**
 * The DNS questions mail delivery and mail authentication ask: MX, A/AAAA, TXT, PTR and TLSA. Every answer says whether the name exists,
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
     * @param authenticated the resolver is configured as validating (dns.dnssec) and set the AD bit on every
     *                      response that led to this answer (RFC 4035 section 3.2.3); false otherwise
     */
    record Answer<T>(Status status, List<T> records, String detail, boolean authenticated) {
        public Answer {
            records = List.copyOf(records);
        }

        /** An answer not known to be DNSSEC-validated. */
        public Answer(Status status, List<T> records, String detail) {
            this(status, records, detail, false);
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

    /**
     * One TLSA record (RFC 6698 section 2.1), e.g. {@code 3 1 1 <sha-256 of the server's public key>}.
     *
     * @param usage        0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE
     * @param selector     0 the whole certificate, 1 its SubjectPublicKeyInfo
     * @param matchingType 0 exact, 1 SHA-256, 2 SHA-512
     */
    record Tlsa(int usage, int selector, int matchingType, byte[] data) {
        public Tlsa {
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public String toString() {
            return usage + " " + selector + " " + matchingType + " " + java.util.HexFormat.of().formatHex(data);
        }
    }

    /**
     * TLSA records of {@code _25._tcp.mx.example.org} for DANE (RFC 7672); only meaningful when
     * {@link Answer#authenticated()}. Resolvers that cannot ask answer "no records".
     */
    default Answer<Tlsa> tlsa(String name) {
        return new Answer<>(Status.NO_RECORDS, List.of(), "TLSA " + name + ": not supported by this resolver");
    }
}
