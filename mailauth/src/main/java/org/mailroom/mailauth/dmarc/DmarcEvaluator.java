package org.mailroom.mailauth.dmarc;

import java.util.List;
import org.mailroom.core.dns.DnsResolver;
import org.mailroom.mailauth.dkim.DkimVerdict;
import org.mailroom.mailauth.spf.SpfVerdict;

/**
 * DMARC (RFC 7489): finds the From domain's policy (at {@code _dmarc.<domain>}, else at its organizational
 * domain, found with the Public Suffix List), and checks that an SPF or DKIM pass is aligned with From.
 */
public final class DmarcEvaluator {

    private final DnsResolver dns;

    public DmarcEvaluator(DnsResolver dns) {
        this.dns = dns;
    }

    /**
     * @param fromDomain the domain of the message's From header field (one domain; the caller handles none or several)
     * @param spf        the SPF verdict of the MAIL FROM identity (its domain is the one checked for alignment)
     * @param dkim       every DKIM verdict of the message
     */
    public DmarcVerdict evaluate(String fromDomain, SpfVerdict spf, List<DkimVerdict> dkim) {
        throw new UnsupportedOperationException("DmarcEvaluator: being written");
    }
}
