package org.mailroom.mailauth.dmarc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.mailroom.core.dns.DnsResolver;
import org.mailroom.core.dns.DnsResolver.Answer;
import org.mailroom.core.dns.DnsResolver.Status;
import org.mailroom.mailauth.dkim.DkimVerdict;
import org.mailroom.mailauth.dmarc.DmarcVerdict.Policy;
import org.mailroom.mailauth.dmarc.DmarcVerdict.Result;
import org.mailroom.mailauth.spf.SpfVerdict;

/**
 * DMARC (RFC 7489): finds the From domain's policy (at {@code _dmarc.<domain>}, else at its organizational
 * domain, found with the Public Suffix List), and checks that an SPF or DKIM pass is aligned with From.
 *
 * <p>Compromises, named:
 * <ul>
 *   <li>A fail where an identity that would have been aligned could not be checked (SPF or DKIM temperror) is
 *       reported as temperror, not fail: a DNS timeout must never reject mail (the rule; RFC 7489 leaves
 *       it to local policy).</li>
 *   <li>pct= sampling (section 6.6.4): a failing message not selected gets the next lower policy (reject becomes
 *       quarantine, quarantine becomes none).</li>
 * </ul>
 */
public final class DmarcEvaluator {

    private final DnsResolver dns;
    private final RandomGenerator random; // null: ThreadLocalRandom of the calling thread

    public DmarcEvaluator(DnsResolver dns) {
        this(dns, null);
    }

    /** @param random draws pct= samples; seed one in tests (it is then used from one thread at a time) */
    public DmarcEvaluator(DnsResolver dns, RandomGenerator random) {
        this.dns = dns;
        this.random = random;
    }

    /**
     * @param fromDomain the domain of the message's From header field (one domain; the caller handles none or several)
     * @param spf        the SPF verdict of the MAIL FROM identity (its domain is the one checked for alignment)
     * @param dkim       every DKIM verdict of the message
     */
    public DmarcVerdict evaluate(String fromDomain, SpfVerdict spf, List<DkimVerdict> dkim) {
        String from = fromDomain == null ? "" : fromDomain.toLowerCase(Locale.ROOT);
        if (from.endsWith(".")) from = from.substring(0, from.length() - 1);
        if (from.isEmpty()) return none(from, "", "no From domain");
        String org = OrganizationalDomain.of(from);

        // Policy discovery (section 6.6.3): the From domain, then its organizational domain
        String policyDomain = from;
        Discovery d = discover(from);
        if (d.status == Discovery.Status.ABSENT && !org.equals(from)) {
            policyDomain = org;
            d = discover(org);
        }
        switch (d.status) {
            case DNS_FAILURE:
                return new DmarcVerdict(Result.TEMPERROR, from, policyDomain, Policy.NONE, Policy.NONE,
                        "DNS failure looking up _dmarc." + policyDomain);
            case ABSENT:
                return none(from, "", "no DMARC record");
            case UNUSABLE:
                return none(from, policyDomain, d.why);
            default:
                break;
        }
        DmarcRecord record = d.record;
        Policy policy = policyDomain.equals(from) ? record.policy() : record.subdomainPolicy();

        // Identifier alignment (section 3.1)
        boolean temporary = false;
        if (spf != null && aligned(spf.domain(), from, record.strictSpf())) {
            if (spf.passed()) {
                return new DmarcVerdict(Result.PASS, from, policyDomain, policy, Policy.NONE, "SPF aligned: " + spf.domain());
            }
            temporary = spf.result() == SpfVerdict.Result.TEMPERROR;
        }
        for (DkimVerdict v : dkim == null ? List.<DkimVerdict>of() : dkim) {
            if (!aligned(v.domain(), from, record.strictDkim())) continue;
            if (v.passed()) {
                return new DmarcVerdict(Result.PASS, from, policyDomain, policy, Policy.NONE, "DKIM aligned: " + v.domain());
            }
            temporary |= v.result() == DkimVerdict.Result.TEMPERROR;
        }
        if (temporary) {
            return new DmarcVerdict(Result.TEMPERROR, from, policyDomain, policy, Policy.NONE,
                    "an aligned identity could not be checked (DNS)");
        }
        Policy disposition = policy;
        String why = "no aligned SPF or DKIM pass";
        if (record.percent() < 100 && draw() >= record.percent()) {
            disposition = policy == Policy.REJECT ? Policy.QUARANTINE : Policy.NONE;
            why += ", not sampled by pct=" + record.percent();
        }
        return new DmarcVerdict(Result.FAIL, from, policyDomain, policy, disposition, why);
    }

    private int draw() {
        return (random == null ? ThreadLocalRandom.current() : random).nextInt(100);
    }

    /** Relaxed: same organizational domain; strict: the same name (section 3.1.1, 3.1.2). */
    static boolean aligned(String identity, String from, boolean strict) {
        if (identity == null || identity.isEmpty()) return false;
        String id = identity.toLowerCase(Locale.ROOT);
        if (id.endsWith(".")) id = id.substring(0, id.length() - 1);
        if (id.equals(from)) return true;
        return !strict && OrganizationalDomain.sameOrganization(id, from);
    }

    private static DmarcVerdict none(String from, String policyDomain, String why) {
        return new DmarcVerdict(Result.NONE, from, policyDomain, Policy.NONE, Policy.NONE, why);
    }

    private record Discovery(Status status, DmarcRecord record, String why) {
        enum Status { FOUND, ABSENT, UNUSABLE, DNS_FAILURE }
    }

    /**
     * The record at {@code _dmarc.<domain>}. Section 6.6.3: other TXT records are discarded; several DMARC records,
     * or one without a usable p=, mean no DMARC processing (UNUSABLE stops discovery, as the From domain did publish).
     */
    private Discovery discover(String domain) {
        Answer<String> a = dns.txt("_dmarc." + domain);
        if (a.status() == Status.TEMPORARY_FAILURE) return new Discovery(Discovery.Status.DNS_FAILURE, null, a.detail());
        List<String> records = new ArrayList<>();
        for (String txt : a.records()) if (DmarcRecord.isDmarc(txt)) records.add(txt);
        if (records.isEmpty()) return new Discovery(Discovery.Status.ABSENT, null, "no DMARC record");
        if (records.size() > 1) {
            return new Discovery(Discovery.Status.UNUSABLE, null, "several DMARC records at _dmarc." + domain);
        }
        DmarcRecord r = DmarcRecord.parse(records.get(0));
        if (r == null) return new Discovery(Discovery.Status.UNUSABLE, null, "DMARC record at _dmarc." + domain + " has no valid p=");
        return new Discovery(Discovery.Status.FOUND, r, "");
    }
}
