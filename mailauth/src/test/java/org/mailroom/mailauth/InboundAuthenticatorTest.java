package org.mailroom.mailauth;

import org.mailroom.mailauth.testing.MemoryDns;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mailroom.mailauth.testing.MemoryDns.ip;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mailroom.mailauth.InboundAuthenticator.Action;
import org.mailroom.mailauth.InboundAuthenticator.Inbound;
import org.mailroom.mailauth.InboundAuthenticator.Settings;
import org.mailroom.mailauth.InboundAuthenticator.Verdict;
import org.mailroom.mailauth.arc.ArcVerdict;
import org.mailroom.mailauth.dkim.DkimVerdict;
import org.mailroom.mailauth.dmarc.DmarcEvaluator;
import org.mailroom.mailauth.spf.SpfEvaluator;

/** The decisions of {@link InboundAuthenticator}, with DKIM and ARC verdicts given (their verifiers have own tests). */
class InboundAuthenticatorTest {

    private static final Settings DEFAULTS = new Settings("mx.us.example", true, false, false);

    private final MemoryDns dns = new MemoryDns()
            .txt("bank.example", "v=spf1 ip4:203.0.113.0/24 -all")
            .txt("_dmarc.bank.example", "v=DMARC1; p=reject")
            .txt("_dmarc.shop.example", "v=DMARC1; p=quarantine")
            .txt("friend.example", "v=spf1 ip4:198.51.100.7 -all")
            .txt("_dmarc.friend.example", "v=DMARC1; p=none");
    private final List<byte[]> dkimSaw = new ArrayList<>();
    private final List<byte[]> arcSaw = new ArrayList<>();
    private List<DkimVerdict> dkimVerdicts = List.of();
    private ArcVerdict arcVerdict = new ArcVerdict(ArcVerdict.Result.PASS, 1, "");

    private InboundAuthenticator auth(Settings settings) {
        return new InboundAuthenticator(settings,
                new SpfEvaluator(dns, Clock.systemUTC(), Duration.ofSeconds(20), SpfEvaluator.DEFAULT_EXPLANATION, "mx.us.example"),
                new DmarcEvaluator(dns, new Random(7)),
                in -> { dkimSaw.add(in.readAllBytes()); return dkimVerdicts; },
                in -> { arcSaw.add(in.readAllBytes()); return arcVerdict; });
    }

    private static byte[] message(String from, String extraHeaders) {
        return ("Received: from x by y; Fri, 4 Dec 2026 10:00:00 +0000\r\n" + extraHeaders
                + "From: " + from + "\r\nTo: u@us.example\r\nSubject: hi\r\n\r\nHello.\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static DkimVerdict dkim(DkimVerdict.Result r, String d) {
        return new DkimVerdict(r, d, "s1", "rsa-sha256", "AbCdEfGh", r == DkimVerdict.Result.PASS ? "" : "signature did not verify");
    }

    private Verdict check(Settings s, String ip, String mailFrom, byte[] message) throws IOException {
        return auth(s).check(new Inbound(ip(ip), "mail.sender.example", mailFrom), new ByteArrayInputStream(message));
    }

    @Test
    void forgedFromOfRejectDomainIsRefused() throws IOException {
        Verdict v = check(DEFAULTS, "192.0.2.66", "x@spammer.example", message("Bank <alerts@bank.example>", ""));
        assertThat(v.action()).isEqualTo(Action.REJECT);
        assertThat(v.reply()).isEqualTo("550 5.7.1 Email rejected per DMARC policy for bank.example");
        assertThat(v.header()).startsWith("Authentication-Results: mx.us.example;")
                .contains("dmarc=fail (p=reject dis=reject) header.from=bank.example").contains("dkim=none");
        assertThat(v.summary()).contains("dmarc=fail").contains("action=reject");
    }

    @Test
    void rejectPolicyGoesToJunkWhenRejectIsOff() throws IOException {
        Verdict v = check(new Settings("mx.us.example", false, false, false), "192.0.2.66", "x@spammer.example",
                message("alerts@bank.example", ""));
        assertThat(v.action()).isEqualTo(Action.QUARANTINE);
        assertThat(v.reply()).isNull();
    }

    @Test
    void quarantinePolicyGoesToJunk() throws IOException {
        assertThat(check(DEFAULTS, "192.0.2.66", "", message("sales@shop.example", "")).action()).isEqualTo(Action.QUARANTINE);
    }

    @Test
    void alignedSpfOrDkimPassIsAccepted() throws IOException {
        Verdict spfPass = check(DEFAULTS, "203.0.113.5", "bounces@bank.example", message("alerts@bank.example", ""));
        assertThat(spfPass.action()).isEqualTo(Action.ACCEPT);
        assertThat(spfPass.header()).contains("spf=pass smtp.mailfrom=bounces@bank.example").contains("dmarc=pass");

        dkimVerdicts = List.of(dkim(DkimVerdict.Result.PASS, "bank.example"));
        Verdict dkimPass = check(DEFAULTS, "192.0.2.66", "list@lists.example",
                message("alerts@bank.example", "DKIM-Signature: v=1; d=bank.example; s=s1; b=AbCdEfGh\r\n"));
        assertThat(dkimPass.action()).isEqualTo(Action.ACCEPT);
        assertThat(dkimPass.header()).contains("dkim=pass header.d=bank.example header.s=s1 header.a=rsa-sha256")
                .contains("dmarc=pass");
    }

    @Test
    void modifiedBodyIsDkimFailInTheHeader() throws IOException {
        dkimVerdicts = List.of(new DkimVerdict(DkimVerdict.Result.FAIL, "friend.example", "s1", "rsa-sha256", "AbCdEfGh",
                "body hash did not verify"));
        Verdict v = check(DEFAULTS, "192.0.2.66", "x@elsewhere.example",
                message("f@friend.example", "DKIM-Signature: v=1; d=friend.example; s=s1; b=AbCdEfGh\r\n"));
        assertThat(v.header()).contains("dkim=fail (body hash did not verify) header.d=friend.example");
        assertThat(v.action()).isEqualTo(Action.ACCEPT); // p=none
    }

    @Test
    void dnsTimeoutIsTemperrorAcceptedOrTempfailedWhenConfigured() throws IOException {
        dns.timeout("slow.example").timeout("_dmarc.slow.example");
        byte[] m = message("a@slow.example", "");
        Verdict accepted = check(DEFAULTS, "192.0.2.66", "a@slow.example", m);
        assertThat(accepted.action()).isEqualTo(Action.ACCEPT);
        assertThat(accepted.header()).contains("spf=temperror").contains("dmarc=temperror");
        Verdict deferred = check(new Settings("mx.us.example", true, false, true), "192.0.2.66", "a@slow.example", m);
        assertThat(deferred.action()).isEqualTo(Action.TEMPFAIL);
        assertThat(deferred.reply()).startsWith("451 4.7.0 ");
    }

    @Test
    void spfFailRejectsOnlyWhenConfigured() throws IOException {
        byte[] m = message("f@friend.example", "");
        assertThat(check(DEFAULTS, "192.0.2.66", "f@friend.example", m).action()).isEqualTo(Action.ACCEPT);
        Verdict v = check(new Settings("mx.us.example", true, true, false), "192.0.2.66", "f@friend.example", m);
        assertThat(v.action()).isEqualTo(Action.REJECT);
        assertThat(v.reply()).startsWith("550 5.7.23 SPF validation failed: ");
    }

    @Test
    void severalFromDomainsApplyTheStrictest() throws IOException {
        Verdict v = check(DEFAULTS, "198.51.100.7", "f@friend.example",
                message("f@friend.example, \"Bank\" <alerts@bank.example>", ""));
        assertThat(v.action()).isEqualTo(Action.REJECT);
        assertThat(v.header()).contains("header.from=friend.example").contains("header.from=bank.example");
        Verdict twoFields = check(DEFAULTS, "198.51.100.7", "f@friend.example",
                message("f@friend.example", "From: alerts@bank.example\r\n"));
        assertThat(twoFields.action()).isEqualTo(Action.REJECT);
        Verdict noFrom = auth(DEFAULTS).check(new Inbound(ip("192.0.2.66"), "h.example", ""),
                new ByteArrayInputStream("Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(noFrom.action()).isEqualTo(Action.ACCEPT);
        assertThat(noFrom.header()).contains("dmarc=none");
    }

    @Test
    void verifiersSeeTheWholeMessageAndArcIsRecordedWithoutOverriding() throws IOException {
        dkimVerdicts = List.of(dkim(DkimVerdict.Result.FAIL, "lists.example"));
        byte[] m = message("alerts@bank.example", "ARC-Seal: i=1; a=rsa-sha256; cv=none; d=lists.example\r\n"
                + "DKIM-Signature: v=1; d=lists.example\r\n");
        Verdict v = check(DEFAULTS, "192.0.2.66", "x@lists.example", m);
        assertThat(dkimSaw).singleElement().isEqualTo(m);
        assertThat(arcSaw).singleElement().isEqualTo(m);
        assertThat(v.header()).contains("arc=pass (i=1)");
        assertThat(v.action()).isEqualTo(Action.REJECT);
    }

    @Test
    void largeMessageWithArcIsSpooledAndReadIntact() throws IOException {
        String body = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789\r\n".repeat(40_000);
        byte[] m = ("ARC-Seal: i=1; cv=none\r\nDKIM-Signature: v=1\r\nFrom: a@friend.example\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII);
        check(DEFAULTS, "198.51.100.7", "a@friend.example", m);
        assertThat(dkimSaw).singleElement().isEqualTo(m);
        assertThat(arcSaw).singleElement().isEqualTo(m);

        dkimSaw.clear();
        arcSaw.clear();
        auth(DEFAULTS).check(new Inbound(ip("198.51.100.7"), "h", "a@friend.example"), () -> new ByteArrayInputStream(m));
        assertThat(dkimSaw).singleElement().isEqualTo(m);
        assertThat(arcSaw).singleElement().isEqualTo(m);
    }

    @Test
    void messageWithoutSignaturesIsNotVerified() throws IOException {
        byte[] m = message("f@friend.example", "");
        InputStream in = new ByteArrayInputStream(m);
        Verdict v = auth(DEFAULTS).check(new Inbound(ip("198.51.100.7"), "h", "f@friend.example"), in);
        assertThat(dkimSaw).isEmpty();
        assertThat(arcSaw).isEmpty();
        assertThat(v.header()).contains("dkim=none").contains("arc=none");
    }

    @Test
    void endlessOrBrokenHeaderIsCappedNotFatal() throws IOException {
        String junk = "DKIM-Signature: v=1\r\nFrom: a@bank.example\r\n" + "X-Junk: 0123456789abcdef0123456789abcdef\r\n".repeat(60_000)
                + "no colon here\r\n\u0000\r\n";
        byte[] m = junk.getBytes(StandardCharsets.ISO_8859_1);
        Verdict v = check(DEFAULTS, "192.0.2.66", "", m);
        assertThat(dkimSaw).singleElement().isEqualTo(m); // DKIM still sees every byte past our 1 MiB cap
        assertThat(v.action()).isEqualTo(Action.REJECT); // the From within the cap is still judged
        Verdict empty = check(DEFAULTS, "192.0.2.66", "", new byte[0]);
        assertThat(empty.action()).isEqualTo(Action.ACCEPT);
        assertThat(empty.header()).contains("dmarc=none");
    }

    @Test
    void verifierBugIsTemperrorNotAnException() throws IOException {
        InboundAuthenticator broken = new InboundAuthenticator(DEFAULTS, new SpfEvaluator(dns), new DmarcEvaluator(dns),
                in -> { throw new IllegalStateException("bug"); }, in -> arcVerdict);
        Verdict v = broken.check(new Inbound(ip("198.51.100.7"), "h", "f@friend.example"),
                new ByteArrayInputStream(message("f@friend.example", "DKIM-Signature: v=1\r\n")));
        assertThat(v.action()).isEqualTo(Action.ACCEPT);
        assertThat(v.header()).contains("dkim=temperror");
    }

    @Test
    void claimsOurIdReadsTheFirstTokenPastComments() {
        InboundAuthenticator a = auth(DEFAULTS);
        assertThat(a.claimsOurId(" mx.us.example; spf=pass")).isTrue();
        assertThat(a.claimsOurId(" MX.US.EXAMPLE 1; none")).isTrue();
        assertThat(a.claimsOurId(" (forged (nested)) mx.us.example;dkim=pass")).isTrue();
        assertThat(a.claimsOurId("\r\n\t\"mx.us.example\"; none")).isTrue();
        assertThat(a.claimsOurId(" mx.us.example.evil; spf=pass")).isFalse();
        assertThat(a.claimsOurId(" other.example; spf=pass smtp.mailfrom=mx.us.example")).isFalse();
        assertThat(a.claimsOurId("")).isFalse();
        assertThat(a.claimsOurId(" (unclosed mx.us.example")).isFalse();
    }
}
