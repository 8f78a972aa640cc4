package org.mailroom.mailauth.spf;

import java.net.InetAddress;
import org.mailroom.core.dns.DnsResolver;

/**
 * SPF (RFC 7208): whether a client address may send mail for a domain. check_host() with every mechanism and
 * modifier, macros, the limit of 10 DNS-querying terms and 2 void look-ups (section 4.6.4), and a timeout per
 * evaluation; DNS failures are temperror.
 */
public final class SpfEvaluator {

    private final DnsResolver dns;

    public SpfEvaluator(DnsResolver dns) {
        this.dns = dns;
    }

    /**
     * Checks the MAIL FROM identity (or, for the null sender or a sender without a domain, the HELO identity
     * as {@code postmaster@helo}), as RFC 7208 section 2.4 says.
     *
     * @param client   the SMTP client's address
     * @param helo     the EHLO/HELO name
     * @param mailFrom the reverse path without brackets ("" for the null sender)
     */
    public SpfVerdict check(InetAddress client, String helo, String mailFrom) {
        throw new UnsupportedOperationException("SpfEvaluator: being written");
    }

    /** check_host(ip, domain, sender) of RFC 7208 section 4, for one identity. */
    public SpfVerdict checkHost(InetAddress client, String domain, String sender, String helo) {
        throw new UnsupportedOperationException("SpfEvaluator: being written");
    }
}
