package org.mailroom.mailauth.spf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailroom.mailauth.testing.MemoryDns.ip;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.mailroom.core.dns.DnsResolver;
import org.mailroom.mailauth.testing.MemoryDns;
import org.mailroom.mailauth.spf.SpfVerdict.Result;

class SpfEvaluatorTest {

    private static final InetAddress CLIENT = ip("192.0.2.10");

    private final MemoryDns dns = new MemoryDns();
    private final SpfEvaluator spf = new SpfEvaluator(dns);

    private Result check(String mailFrom) {
        return spf.check(CLIENT, "mail.example.net", mailFrom).result();
    }

    @Test
    void passFailSoftfailNeutralByQualifier() {
        dns.txt("p.example", "v=spf1 ip4:192.0.2.0/24 -all")
           .txt("f.example", "v=spf1 ip4:198.51.100.1 -all")
           .txt("s.example", "v=spf1 ~all")
           .txt("n.example", "v=spf1 ?all")
           .txt("empty.example", "v=spf1");
        assertThat(check("a@p.example")).isEqualTo(Result.PASS);
        assertThat(check("a@f.example")).isEqualTo(Result.FAIL);
        assertThat(check("a@s.example")).isEqualTo(Result.SOFTFAIL);
        assertThat(check("a@n.example")).isEqualTo(Result.NEUTRAL);
        assertThat(check("a@empty.example")).isEqualTo(Result.NEUTRAL);
        assertThat(check("a@nothing.example")).isEqualTo(Result.NONE);
    }

    @Test
    void nullSenderChecksPostmasterAtHelo() {
        dns.txt("mail.example.net", "v=spf1 a -all").a("mail.example.net", "192.0.2.10");
        SpfVerdict v = spf.check(CLIENT, "mail.example.net", "");
        assertThat(v.result()).isEqualTo(Result.PASS);
        assertThat(v.identity()).isEqualTo("helo");
        assertThat(v.sender()).isEqualTo("postmaster@mail.example.net");
        assertThat(spf.check(CLIENT, "[192.0.2.10]", "").result()).isEqualTo(Result.NONE);
    }

    @Test
    void aAndMxFilterTheClientsFamilyAndApplyCidr() {
        dns.txt("x.example", "v=spf1 a/24 mx//64 -all")
           .a("x.example", "2001:db8::1", "192.0.2.200")
           .mx("x.example", 10, "mx.x.example").a("mx.x.example", "2001:db8:1::5");
        assertThat(check("a@x.example")).isEqualTo(Result.PASS);
        assertThat(spf.check(ip("2001:db8:1::77"), "h.example", "a@x.example").result()).isEqualTo(Result.PASS);
        assertThat(spf.check(ip("2001:db8:2::1"), "h.example", "a@x.example").result()).isEqualTo(Result.FAIL);
    }

    @Test
    void includeLoopIsPermerrorNotAHang() {
        dns.txt("loop1.example", "v=spf1 include:loop2.example -all")
           .txt("loop2.example", "v=spf1 include:loop1.example -all")
           .txt("self.example", "v=spf1 redirect=self.example");
        assertThat(check("a@loop1.example")).isEqualTo(Result.PERMERROR);
        assertThat(check("a@self.example")).isEqualTo(Result.PERMERROR);
        assertThat(dns.questions.get()).isLessThan(30);
    }

    @Test
    void moreThanTenLookupTermsIsPermerror() {
        StringBuilder rec = new StringBuilder("v=spf1");
        for (int i = 0; i < 11; i++) {
            rec.append(" a:h").append(i).append(".example");
            dns.a("h" + i + ".example", "198.51.100." + i);
        }
        dns.txt("many.example", rec + " -all");
        dns.txt("ten.example", rec.toString().replace(" a:h10.example", "") + " ip4:192.0.2.10 -all");
        SpfVerdict v = spf.check(CLIENT, "h", "a@many.example");
        assertThat(v.result()).isEqualTo(Result.PERMERROR);
        assertThat(v.explanation()).contains("10 DNS");
        assertThat(check("a@ten.example")).isEqualTo(Result.PASS);
    }

    @Test
    void moreThanTwoVoidLookupsIsPermerror() {
        dns.txt("void.example", "v=spf1 a:nx1.example a:nx2.example a:nx3.example -all")
           .txt("two.example", "v=spf1 a:nx1.example a:nx2.example ip4:192.0.2.10 -all");
        assertThat(check("a@void.example")).isEqualTo(Result.PERMERROR);
        assertThat(check("a@two.example")).isEqualTo(Result.PASS);
    }

    @Test
    void moreThanTenMxNamesIsPermerror() {
        dns.txt("mx.example", "v=spf1 mx -all");
        for (int i = 0; i < 11; i++) dns.mx("mx.example", i, "m" + i + ".example");
        assertThat(check("a@mx.example")).isEqualTo(Result.PERMERROR);
    }

    @Test
    void hugeTxtRecordIsParsedWithoutTrouble() {
        StringBuilder rec = new StringBuilder("v=spf1");
        while (rec.length() < 10_000) rec.append(" ip4:198.51.100.").append(rec.length() % 250);
        dns.txt("big.example", rec + " -all");
        dns.txt("bigjunk.example", "v=spf1 " + "x".repeat(10_000));
        assertThat(check("a@big.example")).isEqualTo(Result.FAIL);
        assertThat(check("a@bigjunk.example")).isEqualTo(Result.PERMERROR);
    }

    @Test
    void malformedRecordsArePermerror() {
        String[] bad = {"v=spf1 ip4:192.0.2.300", "v=spf1 ip4:192.0.2.1/33", "v=spf1 a:%{x}.example", "v=spf1 foo",
                "v=spf1 a/024", "v=spf1 include", "v=spf1 exists:%{l0}.example", "v=spf1 redirect=a.example redirect=b.example",
                "v=spf1 ip6:zz::1", "v=spf1 a:example.123", "v=spf1 -all\u00e9", "v=spf1 ip4:192.0.2.010"};
        for (int i = 0; i < bad.length; i++) {
            dns.txt("bad" + i + ".example", bad[i]);
            assertThat(check("a@bad" + i + ".example")).as(bad[i]).isEqualTo(Result.PERMERROR);
        }
        dns.txt("two.example", "v=spf1 -all", "V=SPF1 +all");
        assertThat(check("a@two.example")).isEqualTo(Result.PERMERROR);
        dns.txt("not.example", "v=spf10 +all", "spf2.0/pra -all");
        assertThat(check("a@not.example")).isEqualTo(Result.NONE);
    }

    @Test
    void dnsTimeoutsAreTemperror() {
        dns.timeout("slow.example")
           .txt("inc.example", "v=spf1 include:slow.example -all")
           .txt("aslow.example", "v=spf1 a:slow.example -all");
        assertThat(check("a@slow.example")).isEqualTo(Result.TEMPERROR);
        assertThat(check("a@inc.example")).isEqualTo(Result.TEMPERROR);
        assertThat(check("a@aslow.example")).isEqualTo(Result.TEMPERROR);
    }

    @Test
    void slowDnsStopsAtTheBudget() {
        AtomicLong now = new AtomicLong();
        Clock clock = new Clock() {
            @Override public ZoneId getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(ZoneId zone) { return this; }
            @Override public Instant instant() { return Instant.ofEpochMilli(now.get()); }
        };
        DnsResolver slow = new DnsResolver() { // every answer takes 3 seconds
            @Override public Answer<Mx> mx(String d) { now.addAndGet(3000); return dns.mx(d); }
            @Override public Answer<InetAddress> addresses(String h) { now.addAndGet(3000); return dns.addresses(h); }
            @Override public Answer<String> txt(String n) { now.addAndGet(3000); return dns.txt(n); }
            @Override public Answer<String> ptr(InetAddress a) { now.addAndGet(3000); return dns.ptr(a); }
        };
        StringBuilder rec = new StringBuilder("v=spf1");
        for (int i = 0; i < 9; i++) rec.append(" a:h").append(i).append(".example");
        for (int i = 0; i < 9; i++) dns.a("h" + i + ".example", "198.51.100.1");
        dns.txt("slowchain.example", rec + " -all");
        SpfVerdict v = new SpfEvaluator(slow, clock, Duration.ofSeconds(20), "x", "r").check(CLIENT, "h", "a@slowchain.example");
        assertThat(v.result()).isEqualTo(Result.TEMPERROR);
        assertThat(now.get()).isLessThanOrEqualTo(24_000);
    }

    @Test
    void ptrMechanismAndPMacroUseValidatedNames() {
        dns.ptr("192.0.2.10", "mail.good.example").a("mail.good.example", "192.0.2.10")
           .ptr("192.0.2.10", "liar.other.example").a("liar.other.example", "198.51.100.9")
           .txt("good.example", "v=spf1 ptr -all")
           .txt("other.example", "v=spf1 ptr -all")
           .txt("pm.example", "v=spf1 exists:%{p}.allow.example -all").a("mail.good.example.allow.example", "127.0.0.2");
        assertThat(check("a@good.example")).isEqualTo(Result.PASS);
        assertThat(check("a@other.example")).isEqualTo(Result.FAIL);
        assertThat(check("a@pm.example")).isEqualTo(Result.PASS);
    }

    @Test
    void macrosExpandWithTransformersAndIpv6Nibbles() {
        dns.txt("m.example", "v=spf1 exists:%{ir}.%{l1r+-}.%{d2}._spf.%{d} -all")
           .a("10.2.0.192.user.m.example._spf.m.example", "127.0.0.2");
        assertThat(check("name-user@m.example")).isEqualTo(Result.FAIL); // reversed, the rightmost part is "name"
        assertThat(check("user-name@m.example")).isEqualTo(Result.PASS);
        dns.txt("six.example", "v=spf1 exists:%{ir}.six.example -all")
           .a("2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.six.example", "127.0.0.2");
        assertThat(spf.check(ip("2001:db8::2"), "h", "a@six.example").result()).isEqualTo(Result.PASS);
    }

    @Test
    void explanationOnFailComesFromExp() {
        dns.txt("e.example", "v=spf1 -all exp=why.e.example").txt("why.e.example", "%{i} may not send for %{d}, see %{r}")
           .txt("e2.example", "v=spf1 -all exp=nowhere.example");
        SpfEvaluator withReceiver = new SpfEvaluator(dns, Clock.systemUTC(), Duration.ofSeconds(20),
                SpfEvaluator.DEFAULT_EXPLANATION, "mx.us.example");
        assertThat(withReceiver.check(CLIENT, "h", "a@e.example").explanation())
                .isEqualTo("192.0.2.10 may not send for e.example, see mx.us.example");
        assertThat(withReceiver.check(CLIENT, "h", "a@e2.example").explanation())
                .isEqualTo("192.0.2.10 is not allowed to send mail for e2.example (SPF)");
        // an included record's exp= is never looked up (section 6.2): its fail is only "no match"
        dns.txt("outer.example", "v=spf1 include:inner.example ~all").txt("inner.example", "v=spf1 -all exp=x.inner.example");
        int before = dns.questions.get();
        assertThat(withReceiver.check(CLIENT, "h", "a@outer.example").result()).isEqualTo(Result.SOFTFAIL);
        assertThat(dns.questions.get() - before).isEqualTo(2);
    }

    @Test
    void randomRecordsGiveResultsNotInternalErrors() {
        // pieces of SPF syntax glued at random: every record must give an RFC result; temperror could only come
        // from an exception inside the evaluator, since this DNS never fails
        String[] pieces = {"v=spf1", " ", "  ", "a", "mx", "ptr", "all", "include:", "exists:", "ip4:", "ip6:", "redirect=",
                "exp=", "-", "+", "~", "?", "/", "//", "24", "0", "129", ":", "%{", "}", "%%", "%_", "%-", "i", "ir",
                "d2", "l", "o", "h", "p", "c", "v", ".", "r.example", "192.0.2.10", "2001:db8::", "x=", "%{d1r-}",
                "=", "\u00e9", "\t", "r2.example", "%{p}.r.example", "::"};
        java.util.Random random = new java.util.Random(42);
        dns.a("r.example", "192.0.2.10").mx("r.example", 5, "r2.example").a("r2.example", "2001:db8::7")
           .ptr("192.0.2.10", "r2.example").txt("r2.example", "v=spf1 a:r.example -all");
        for (int i = 0; i < 3000; i++) {
            StringBuilder rec = new StringBuilder("v=spf1 ");
            int n = 1 + random.nextInt(14);
            for (int k = 0; k < n; k++) rec.append(pieces[random.nextInt(pieces.length)]);
            dns.txt("r" + i + ".fuzz.example", rec.toString());
            for (String ip : List.of("192.0.2.10", "2001:db8::7")) {
                SpfVerdict v = spf.check(ip(ip), "h.example", "u-x@r" + i + ".fuzz.example");
                assertThat(v.result()).as(rec + " -> " + v.explanation()).isNotEqualTo(Result.TEMPERROR);
            }
        }
    }

    @Test
    void internationalizedDomainIsAskedAsALabel() {
        dns.txt("xn--bcher-kva.example", "v=spf1 ip4:192.0.2.10 -all");
        SpfVerdict v = spf.check(CLIENT, "h", "kunde@B\u00fccher.example.");
        assertThat(v.result()).isEqualTo(Result.PASS);
        assertThat(v.domain()).isEqualTo("xn--bcher-kva.example");
    }

    @Test
    void readableIpv6() {
        assertThat(SpfEvaluator.readable(ip("2001:db8:0:0:1:0:0:1"))).isEqualTo("2001:db8::1:0:0:1");
        assertThat(SpfEvaluator.readable(ip("::1"))).isEqualTo("::1");
        assertThat(SpfEvaluator.readable(ip("2001:db8::"))).isEqualTo("2001:db8::");
        assertThat(SpfEvaluator.readable(ip("2001:db8:1:2:3:4:5:6"))).isEqualTo("2001:db8:1:2:3:4:5:6");
        assertThat(List.of(SpfEvaluator.dotted(ip("192.0.2.1")))).containsExactly("192.0.2.1");
    }
}
