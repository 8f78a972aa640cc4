package org.mailroom.mailauth.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mailroom.mailauth.testing.MemoryDns;
import org.mailroom.mailauth.dkim.DkimVerdict;
import org.mailroom.mailauth.dmarc.DmarcVerdict.Policy;
import org.mailroom.mailauth.dmarc.DmarcVerdict.Result;
import org.mailroom.mailauth.spf.SpfVerdict;

class DmarcEvaluatorTest {

    private final MemoryDns dns = new MemoryDns()
            .txt("_dmarc.example.com", "v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@example.com")
            .txt("_dmarc.strict.example", "v=DMARC1; p=reject; adkim=s; aspf=s")
            .txt("_dmarc.q.example", "v=DMARC1;p=quarantine")
            .txt("_dmarc.none.example", "v=DMARC1; p=none");
    private final DmarcEvaluator dmarc = new DmarcEvaluator(dns, new Random(1));

    private static SpfVerdict spf(SpfVerdict.Result r, String domain) {
        return new SpfVerdict(r, "mailfrom", domain, "u@" + domain, "");
    }

    private static DkimVerdict dkim(DkimVerdict.Result r, String domain) {
        return new DkimVerdict(r, domain, "sel", "rsa-sha256", "abcdefgh", "");
    }

    private static final SpfVerdict SPF_NONE = spf(SpfVerdict.Result.NONE, "other.example");

    @Test
    void alignedSpfOrDkimPassPasses() {
        assertThat(dmarc.evaluate("example.com", spf(SpfVerdict.Result.PASS, "bounce.example.com"), List.of()).result())
                .isEqualTo(Result.PASS);
        assertThat(dmarc.evaluate("example.com", SPF_NONE,
                List.of(dkim(DkimVerdict.Result.FAIL, "example.com"), dkim(DkimVerdict.Result.PASS, "mail.example.com"))).result())
                .isEqualTo(Result.PASS);
    }

    @Test
    void unalignedPassFailsWithThePolicy() {
        DmarcVerdict v = dmarc.evaluate("example.com", spf(SpfVerdict.Result.PASS, "evil.example"),
                List.of(dkim(DkimVerdict.Result.PASS, "evil.example")));
        assertThat(v.result()).isEqualTo(Result.FAIL);
        assertThat(v.policy()).isEqualTo(Policy.REJECT);
        assertThat(v.disposition()).isEqualTo(Policy.REJECT);
        assertThat(v.policyDomain()).isEqualTo("example.com");
    }

    @Test
    void subdomainUsesSpOfTheOrganizationalDomain() {
        DmarcVerdict v = dmarc.evaluate("news.example.com", SPF_NONE, List.of());
        assertThat(v.result()).isEqualTo(Result.FAIL);
        assertThat(v.policyDomain()).isEqualTo("example.com");
        assertThat(v.disposition()).isEqualTo(Policy.QUARANTINE);
    }

    @Test
    void strictAlignmentWantsTheExactName() {
        assertThat(dmarc.evaluate("strict.example", spf(SpfVerdict.Result.PASS, "mail.strict.example"),
                List.of(dkim(DkimVerdict.Result.PASS, "mail.strict.example"))).result()).isEqualTo(Result.FAIL);
        assertThat(dmarc.evaluate("strict.example", SPF_NONE, List.of(dkim(DkimVerdict.Result.PASS, "strict.example"))).result())
                .isEqualTo(Result.PASS);
    }

    @Test
    void noRecordSeveralRecordsOrNoPolicyIsNone() {
        dns.txt("_dmarc.two.example", "v=DMARC1; p=reject", "v=DMARC1; p=none")
           .txt("_dmarc.nop.example", "v=DMARC1; adkim=s")
           .txt("_dmarc.ruaonly.example", "v=DMARC1; p=bogus; rua=mailto:r@ruaonly.example")
           .txt("_dmarc.other.example", "some verification token", "v=DMARC2; p=reject", "V=DMARC1; p=reject");
        assertThat(dmarc.evaluate("nothing.example", SPF_NONE, List.of()).result()).isEqualTo(Result.NONE);
        assertThat(dmarc.evaluate("two.example", SPF_NONE, List.of()).result()).isEqualTo(Result.NONE);
        assertThat(dmarc.evaluate("nop.example", SPF_NONE, List.of()).result()).isEqualTo(Result.NONE);
        assertThat(dmarc.evaluate("other.example", SPF_NONE, List.of()).result()).isEqualTo(Result.NONE);
        assertThat(dmarc.evaluate("", SPF_NONE, List.of()).result()).isEqualTo(Result.NONE);
        DmarcVerdict rua = dmarc.evaluate("ruaonly.example", SPF_NONE, List.of());
        assertThat(rua.result()).isEqualTo(Result.FAIL); // section 6.6.3: a valid rua makes it p=none
        assertThat(rua.disposition()).isEqualTo(Policy.NONE);
    }

    @Test
    void dnsFailureIsTemperror() {
        dns.timeout("_dmarc.slow.example");
        assertThat(dmarc.evaluate("slow.example", SPF_NONE, List.of()).result()).isEqualTo(Result.TEMPERROR);
        // an aligned identity that could not be checked does not turn into a rejection
        DmarcVerdict v = dmarc.evaluate("example.com", spf(SpfVerdict.Result.TEMPERROR, "example.com"), List.of());
        assertThat(v.result()).isEqualTo(Result.TEMPERROR);
        assertThat(v.disposition()).isEqualTo(Policy.NONE);
    }

    @Test
    void randomRecordsNeverThrow() {
        String[] pieces = {"v=DMARC1", ";", " ", "p=", "sp=", "pct=", "adkim=", "aspf=", "rua=", "mailto:a@b", "reject",
                "quarantine", "none", "s", "r", "101", "-5", "50", "=", "\u0663", "v", "DMARC1", ",", "!10m", "\t"};
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 2000; i++) {
            StringBuilder rec = new StringBuilder("v=DMARC1;");
            int n = random.nextInt(12);
            for (int k = 0; k < n; k++) rec.append(pieces[random.nextInt(pieces.length)]);
            dns.txt("_dmarc.f" + i + ".example", rec.toString());
            DmarcVerdict v = dmarc.evaluate("f" + i + ".example", SPF_NONE, List.of());
            assertThat(v.result()).as(rec.toString()).isIn(Result.NONE, Result.FAIL);
        }
    }

    @Test
    void resolverBugIsTemperror() {
        org.mailroom.core.dns.DnsResolver failing = new org.mailroom.core.dns.DnsResolver() {
            @Override public Answer<Mx> mx(String d) { throw new IllegalStateException("bug"); }
            @Override public Answer<java.net.InetAddress> addresses(String h) { throw new IllegalStateException("bug"); }
            @Override public Answer<String> txt(String n) { throw new IllegalStateException("bug"); }
            @Override public Answer<String> ptr(java.net.InetAddress a) { throw new IllegalStateException("bug"); }
        };
        DmarcEvaluator broken = new DmarcEvaluator(failing);
        assertThat(broken.evaluate("example.com", SPF_NONE, List.of()).result()).isEqualTo(Result.TEMPERROR);
    }

    @Test
    void quarantineAndNonePolicies() {
        assertThat(dmarc.evaluate("q.example", SPF_NONE, List.of()).disposition()).isEqualTo(Policy.QUARANTINE);
        DmarcVerdict none = dmarc.evaluate("none.example", SPF_NONE, List.of());
        assertThat(none.result()).isEqualTo(Result.FAIL);
        assertThat(none.disposition()).isEqualTo(Policy.NONE);
    }

    @Test
    void pctSamplesWithTheNextLowerPolicy() {
        dns.txt("_dmarc.half.example", "v=DMARC1; p=reject; pct=50")
           .txt("_dmarc.zero.example", "v=DMARC1; p=quarantine; pct=0");
        int rejected = 0;
        int quarantined = 0;
        for (int i = 0; i < 1000; i++) {
            Policy p = dmarc.evaluate("half.example", SPF_NONE, List.of()).disposition();
            if (p == Policy.REJECT) rejected++;
            if (p == Policy.QUARANTINE) quarantined++;
        }
        assertThat(rejected + quarantined).isEqualTo(1000);
        assertThat(rejected).isBetween(400, 600);
        assertThat(dmarc.evaluate("zero.example", SPF_NONE, List.of()).disposition()).isEqualTo(Policy.NONE);
    }
}
