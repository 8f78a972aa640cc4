package org.mailroom.delivery.tls;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.X509TrustManager;
import org.mailroom.core.dns.DnsResolver;
import org.mailroom.core.dns.DnsResolver.Tlsa;
import org.mailroom.protocol.smtp.client.CertificateCheck;

/**
 * How much TLS delivery to a domain needs, beyond {@code outbound.tls}: DANE for SMTP (RFC 7672) where the
 * domain's MX answer and the MX host's TLSA records are DNSSEC-validated, else MTA-STS (RFC 8461) where the
 * domain publishes a policy, else nothing more. DANE comes first (RFC 8461 section 2: "senders who implement
 * DANE ... SHOULD" prefer it when TLSA records exist).
 *
 * <p>A refusal here is always temporary: the message stays queued and is tried again, never sent in plain
 * text or to an unverified server. Every session's outcome goes to {@link TlsReports} for TLS-RPT.
 */
public final class TransportSecurity {

    private final DnsResolver dns;
    private final MtaStsPolicies sts;
    private final boolean dane;
    private final List<X509TrustManager> trust;
    private final TlsReports reports;

    /**
     * @param sts     MTA-STS discovery, or null when {@code outbound.mta_sts} is off
     * @param dane    the resolver validates DNSSEC ({@code dns.dnssec}): ask TLSA records
     * @param reports where session outcomes are counted, or null when {@code outbound.tls_reports} is off
     */
    public TransportSecurity(DnsResolver dns, MtaStsPolicies sts, boolean dane, List<X509TrustManager> trust,
                             TlsReports reports) {
        this.dns = dns;
        this.sts = sts;
        this.dane = dane;
        this.trust = List.copyOf(trust);
        this.reports = reports;
    }

    /** What applies to one domain for one delivery attempt; the look-ups go to {@code log}. */
    public DomainPolicy forDomain(String asciiDomain, List<String> log) {
        String domain = asciiDomain.toLowerCase(Locale.ROOT);
        boolean mxSecure = false;
        if (dane) {
            DnsResolver.Answer<DnsResolver.Mx> mx = dns.mx(domain);
            // RFC 7672 section 2.2.1: TLSA records count only behind a validated MX RRset.
            mxSecure = mx.found() && mx.authenticated();
            log.add("DANE: MX of " + domain + (mxSecure ? " is DNSSEC-validated" : " is not DNSSEC-validated: no DANE"));
        }
        MtaStsPolicy policy = null;
        if (sts != null) {
            MtaStsPolicies.Discovery d = sts.discover(domain);
            log.add(d.detail());
            if (d.failureType() != null && reports != null) {
                TlsReports.Policy p = d.policy() == null ? TlsReports.Policy.none(domain) : stsPolicy(domain, d.policy());
                reports.failure(p, d.failureType(), null, null, d.detail());
            }
            if (d.policy() != null && d.policy().mode() != MtaStsPolicy.Mode.NONE) policy = d.policy();
        }
        return new DomainPolicy(domain, mxSecure, policy);
    }

    private static TlsReports.Policy stsPolicy(String domain, MtaStsPolicy p) {
        return new TlsReports.Policy(domain, "sts", p.lines(), p.mx());
    }

    /** The policies of one domain; {@link #forHost} applies them to each MX host. */
    public final class DomainPolicy {
        private final String domain;
        private final boolean mxSecure;
        private final MtaStsPolicy sts;

        DomainPolicy(String domain, boolean mxSecure, MtaStsPolicy sts) {
            this.domain = domain;
            this.mxSecure = mxSecure;
            this.sts = sts;
        }

        /**
         * Kept connections are shared only between deliveries under the same policy, so that a connection
         * opened without checks never carries mail that needs them.
         */
        public String cacheTag() {
            return (mxSecure ? "dane;" : "") + (sts == null ? "" : "sts-" + sts.mode() + ";");
        }

        public HostPolicy forHost(String mxHost, List<String> log) {
            String host = mxHost.toLowerCase(Locale.ROOT);
            if (mxSecure) {
                DnsResolver.Answer<Tlsa> tlsa = dns.tlsa("_25._tcp." + host);
                log.add("DANE: " + tlsa.detail());
                if (tlsa.status() == DnsResolver.Status.TEMPORARY_FAILURE) {
                    // Section 2.2: the records may exist and we cannot tell; sending anyway would let an
                    // attacker who blocks TLSA queries downgrade us.
                    TlsReports.Policy p = new TlsReports.Policy(domain, "tlsa", List.of(), List.of(host));
                    HostPolicy refused = new HostPolicy(p, null, true, "TLSA look-up for " + host
                            + " failed under DNSSEC (RFC 7672 section 2.2): " + tlsa.detail());
                    refused.failed("dnssec-invalid", host, null, tlsa.detail());
                    return refused;
                }
                if (tlsa.found() && tlsa.authenticated()) {
                    List<Tlsa> usable = new ArrayList<>();
                    List<String> shown = new ArrayList<>();
                    for (Tlsa t : tlsa.records()) {
                        shown.add(t.toString());
                        if (CertificateCheck.usable(t)) usable.add(t);
                    }
                    TlsReports.Policy p = new TlsReports.Policy(domain, "tlsa", shown, List.of(host));
                    if (usable.isEmpty()) {
                        // As Postfix does: unusable records still say the server has TLS; require it, unchecked.
                        log.add("DANE: no usable TLSA record for " + host + ": STARTTLS required, certificate not checked");
                        return new HostPolicy(p, null, true, null);
                    }
                    log.add("DANE: STARTTLS required, certificate must match " + usable);
                    return new HostPolicy(p, CertificateCheck.dane(host, usable), true, null);
                }
            }
            if (sts != null) {
                TlsReports.Policy p = stsPolicy(domain, sts);
                boolean enforce = sts.mode() == MtaStsPolicy.Mode.ENFORCE;
                if (!sts.allows(host)) {
                    String why = "MX host " + host + " is not in the MTA-STS policy of " + domain + " (mx: "
                            + String.join(", ", sts.mx()) + ")";
                    if (enforce) {
                        HostPolicy refused = new HostPolicy(p, null, true, why + "; refused (mode enforce)");
                        refused.failed("validation-failure", host, null, why);
                        return refused;
                    }
                    log.add(why + "; delivered anyway (mode testing), reported");
                    failure(p, "validation-failure", host, null, why);
                    return new HostPolicy(p, null, false, null);
                }
                log.add("MTA-STS: " + host + " matches the policy; " + (enforce
                        ? "STARTTLS and a certificate valid for " + host + " required (mode enforce)"
                        : "certificate checked and failures reported only (mode testing)"));
                return new HostPolicy(p, CertificateCheck.pkix(host, trust, enforce), enforce, null);
            }
            return new HostPolicy(TlsReports.Policy.none(domain), null, false, null);
        }
    }

    private void failure(TlsReports.Policy p, String type, String host, String ip, String information) {
        if (reports != null) reports.failure(p, type, host, ip, information);
    }

    /** What one MX host needs, and where its session's outcome is counted. */
    public final class HostPolicy {
        private final TlsReports.Policy policy;
        private final CertificateCheck check;
        private final boolean tlsRequired;
        private final String refusal;

        HostPolicy(TlsReports.Policy policy, CertificateCheck check, boolean tlsRequired, String refusal) {
            this.policy = policy;
            this.check = check;
            this.tlsRequired = tlsRequired;
            this.refusal = refusal;
        }

        /** Why this host must not be tried at all, or null. */
        public String refusal() {
            return refusal;
        }

        /** The certificate check for STARTTLS, or null for the client's own policy. */
        public CertificateCheck check() {
            return check;
        }

        /** No plain text to this host: STARTTLS must be offered and succeed. */
        public boolean tlsRequired() {
            return tlsRequired;
        }

        /** "sts", "tlsa" or "no-policy-found". */
        public String policyType() {
            return policy.type();
        }

        /** A TLS session was established (a report-only check may still have found fault). */
        public void succeeded(String host, String ip) {
            if (check != null && check.failureType() != null) failed(check.failureType(), host, ip, check.failure());
            else if (reports != null) reports.success(policy);
        }

        public void failed(String resultType, String host, String ip, String information) {
            failure(policy, resultType, host, ip, information);
        }
    }
}
