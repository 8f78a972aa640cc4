package org.mailroom.delivery.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MailQueue;
import org.mailroom.delivery.MxResolver;
import org.mailroom.delivery.RemoteDelivery;
import org.mailroom.delivery.dns.DnsjavaResolver;
import org.mailroom.delivery.testing.MutableClock;
import org.mailroom.delivery.testing.PolicyServer;
import org.mailroom.delivery.testing.TestCa;
import org.mailroom.delivery.testing.TestDnsServer;
import org.mailroom.delivery.testing.TlsMx;
import org.mailroom.protocol.smtp.client.SmtpClient;

/**
 * MTA-STS and DANE on real sockets: our DNS server on loopback, an HTTPS policy server with a certificate from
 * a test CA (given as outbound.tls_trust would give it), and a receiving MX offering STARTTLS with a
 * certificate that matches its name or not.
 */
class TransportSecurityTest {

    static final byte[] MESSAGE = "Subject: t\r\n\r\nhello\r\n".getBytes(StandardCharsets.UTF_8);
    static final String ENFORCE = "version: STSv1\nmode: enforce\nmx: mx.b.test\nmax_age: 86400\n";
    static final Instant T0 = Instant.parse("2026-12-03T12:00:00Z");

    static EventLoopGroup group;
    static TestCa ca;

    @TempDir
    Path dir;

    TestDnsServer dns;
    PolicyServer policies;
    TlsMx mx;
    List<X509TrustManager> trust;
    MutableClock clock;
    TlsReports reports;

    @BeforeAll
    static void loops() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ca = new TestCa();
    }

    @AfterAll
    static void stopLoops() {
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start();
        dns.mx("b.test", 10, "mx.b.test").a("mx.b.test", "127.0.0.1").a("mta-sts.b.test", "127.0.0.1")
                .txt("_mta-sts.b.test", "v=STSv1; id=20261203");
        policies = new PolicyServer(ca.issue("mta-sts.b.test").serverContext()).serve(ENFORCE);
        mx = new TlsMx(ca.issue("mx.b.test").serverContext());
        trust = TrustAnchors.load(ca.writePem(dir.resolve("ca.pem")));
        clock = new MutableClock(T0);
        reports = new TlsReports(dir.resolve(TlsReports.FILE_NAME), clock);
    }

    @AfterEach
    void stop() throws Exception {
        mx.close();
        policies.close();
        dns.close();
    }

    private RemoteDelivery.DomainResult deliver(boolean mtaSts, boolean dnssec) {
        DnsjavaResolver resolver = new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2), clock, dnssec);
        MtaStsPolicies sts = mtaSts ? new MtaStsPolicies(resolver, new PolicyFetcher(resolver, trust, policies.port(),
                Duration.ofSeconds(5)), dir.resolve(MtaStsPolicies.FILE_NAME), clock) : null;
        TransportSecurity security = new TransportSecurity(resolver, sts, dnssec, trust, reports);
        MxResolver mxResolver = new MxResolver(resolver, mx.port(), Set.of(), null, 0, new Random(1));
        SmtpClient client = new SmtpClient(new SmtpClient.Settings("mx.a.test", Duration.ofSeconds(2),
                Duration.ofSeconds(5), Duration.ofSeconds(5), SmtpClient.TlsPolicy.OPPORTUNISTIC), group);
        RemoteDelivery remote = new RemoteDelivery(mxResolver, client, new OneBlob(), clock);
        remote.secureTransportWith(security);
        MailQueue.Entry entry = new MailQueue.Entry("q1", "blob", "alice@a.test",
                List.of(new MailQueue.Recipient("bob@b.test", MailQueue.RecipientState.PENDING, null)), T0, T0, 0, null);
        try {
            return remote.deliver(entry, "b.test", List.of("bob@b.test"));
        } finally {
            remote.closeConnections();
        }
    }

    private static RemoteDelivery.Result result(RemoteDelivery.DomainResult r) {
        return r.outcomes().get(0).result();
    }

    private static String history(RemoteDelivery.DomainResult r) {
        return r.attempt().result() + "\n" + String.join("\n", r.attempt().log());
    }

    /** "type:count" of yesterday's... today's failures, in the order recorded, for one policy type. */
    private String failures(String policyType) {
        return reports.before(LocalDate.of(2026, 12, 4)).stream().filter(c -> c.policyType.equals(policyType))
                .flatMap(c -> c.failures.stream()).map(f -> f.resultType + ":" + f.count).collect(Collectors.joining(","));
    }

    private long successes(String policyType) {
        return reports.before(LocalDate.of(2026, 12, 4)).stream().filter(c -> c.policyType.equals(policyType))
                .mapToLong(c -> c.success).sum();
    }

    @Test
    void enforceWithACertificateForAnotherNameDefersAndSendsNothing() throws Exception {
        mx.use(ca.issue("other.example").serverContext());
        RemoteDelivery.DomainResult r = deliver(true, false);
        assertThat(result(r)).isEqualTo(RemoteDelivery.Result.TEMPORARY);
        assertThat(r.outcomes().get(0).status()).isEqualTo("4.7.5");
        assertThat(r.attempt().result()).contains("certificate refused under the domain's MTA-STS policy")
                .contains("certificate-host-mismatch");
        assertThat(mx.messages()).isEmpty();
        assertThat(failures("sts")).isEqualTo("certificate-host-mismatch:1");
    }

    @Test
    void enforceWithAMatchingCertificateFromTheExtraCaDeliversOverTls() {
        RemoteDelivery.DomainResult r = deliver(true, false);
        assertThat(result(r)).as(history(r)).isEqualTo(RemoteDelivery.Result.DELIVERED);
        assertThat(mx.messages()).hasSize(1);
        assertThat(mx.messages().get(0).tls()).isTrue();
        assertThat(r.attempt().tls()).startsWith("TLS");
        assertThat(history(r)).contains("policy id 20261203 fetched: mode enforce");
        assertThat(successes("sts")).isEqualTo(1);
    }

    @Test
    void enforceWithAnUntrustedOrExpiredCertificateDefers() throws Exception {
        mx.use(new TestCa().issue("mx.b.test").serverContext());
        assertThat(history(deliver(true, false))).contains("certificate-not-trusted");
        mx.use(ca.issue(T0.minus(Duration.ofDays(400)), T0.minus(Duration.ofDays(300)), "mx.b.test").serverContext());
        assertThat(history(deliver(true, false))).contains("certificate-expired");
        assertThat(mx.messages()).isEmpty();
    }

    @Test
    void enforceWithoutStartTlsDefers() {
        mx.use(null);
        RemoteDelivery.DomainResult r = deliver(true, false);
        assertThat(result(r)).isEqualTo(RemoteDelivery.Result.TEMPORARY);
        assertThat(r.attempt().result()).contains("offers no STARTTLS, which the domain's MTA-STS policy");
        assertThat(mx.messages()).isEmpty();
        assertThat(failures("sts")).isEqualTo("starttls-not-supported:1");
    }

    @Test
    void enforceRefusesAnMxThatIsNotInThePolicy() {
        policies.serve("version: STSv1\nmode: enforce\nmx: *.elsewhere.test\nmax_age: 86400\n");
        RemoteDelivery.DomainResult r = deliver(true, false);
        assertThat(result(r)).isEqualTo(RemoteDelivery.Result.TEMPORARY);
        assertThat(r.attempt().result()).isEqualTo(
                "MX host mx.b.test is not in the MTA-STS policy of b.test (mx: *.elsewhere.test); refused (mode enforce)");
        assertThat(mx.messages()).isEmpty();
        assertThat(failures("sts")).isEqualTo("validation-failure:1");
    }

    @Test
    void testingModeDeliversAndRecordsTheFailureForTlsRpt() throws Exception {
        policies.serve("version: STSv1\nmode: testing\nmx: mx.b.test\nmax_age: 86400\n");
        mx.use(ca.issue("other.example").serverContext());
        RemoteDelivery.DomainResult r = deliver(true, false);
        assertThat(result(r)).as(history(r)).isEqualTo(RemoteDelivery.Result.DELIVERED);
        assertThat(mx.messages().get(0).tls()).isTrue();
        assertThat(failures("sts")).isEqualTo("certificate-host-mismatch:1");
        assertThat(successes("sts")).isZero();
    }

    @Test
    void thePolicyIsCachedAcrossARestartAndUsedWhenAFetchFails() throws Exception {
        assertThat(result(deliver(true, false))).isEqualTo(RemoteDelivery.Result.DELIVERED);
        assertThat(policies.requests()).isEqualTo(1);
        // A "restart": new objects reading the cache file. Same id: no fetch.
        mx.use(ca.issue("other.example").serverContext());
        RemoteDelivery.DomainResult cached = deliver(true, false);
        assertThat(policies.requests()).isEqualTo(1);
        assertThat(history(cached)).contains("policy id 20261203 (cached)");
        assertThat(result(cached)).isEqualTo(RemoteDelivery.Result.TEMPORARY);
        // A new id, and the policy server fails: the cached policy still applies (RFC 8461 section 5.1).
        dns.remove("_mta-sts.b.test").txt("_mta-sts.b.test", "v=STSv1; id=20261204");
        policies.fail(500);
        clock.advance(Duration.ofMinutes(10)); // past the TXT record's TTL in the resolver's cache
        RemoteDelivery.DomainResult stale = deliver(true, false);
        assertThat(policies.requests()).isEqualTo(2);
        assertThat(history(stale)).contains("the cached policy id 20261203 applies until");
        assertThat(result(stale)).isEqualTo(RemoteDelivery.Result.TEMPORARY);
        assertThat(mx.messages()).hasSize(1);
        assertThat(failures("sts")).contains("sts-policy-fetch-error:1");
    }

    @Test
    void aMalformedPolicyIsNoPolicyAndIsReported() throws Exception {
        policies.serve("version: STSv1\nmode: bogus\nmx: mx.b.test\nmax_age: 86400\n");
        mx.use(ca.issue("other.example").serverContext());
        RemoteDelivery.DomainResult r = deliver(true, false);
        assertThat(result(r)).as(history(r)).isEqualTo(RemoteDelivery.Result.DELIVERED);
        assertThat(history(r)).contains("unknown mode \"bogus\"; no policy applies");
        assertThat(failures("no-policy-found")).isEqualTo("sts-policy-invalid:1");
        assertThat(successes("no-policy-found")).isEqualTo(1);
    }

    @Test
    void aPolicyServedWithAnotherNameIsAWebPkiFailure() throws Exception {
        policies.close();
        policies = new PolicyServer(ca.issue("www.b.test").serverContext()).serve(ENFORCE);
        mx.use(ca.issue("other.example").serverContext());
        RemoteDelivery.DomainResult r = deliver(true, false);
        assertThat(result(r)).as(history(r)).isEqualTo(RemoteDelivery.Result.DELIVERED);
        assertThat(failures("no-policy-found")).isEqualTo("sts-webpki-invalid:1");
    }

    @Test
    void withMtaStsOffTheCertificateIsNotChecked() throws Exception {
        mx.use(ca.issue("other.example").serverContext());
        assertThat(result(deliver(false, false))).isEqualTo(RemoteDelivery.Result.DELIVERED);
        assertThat(policies.requests()).isZero();
    }

    @Test
    void daneEeMatchingTheKeyWithAdDeliversAndTakesPrecedenceOverMtaSts() throws Exception {
        // A certificate from an unknown CA for another name: DANE-EE(3) checks only the key (RFC 7672 3.1.1).
        TestCa.Identity self = new TestCa().issue("whatever.example");
        mx.use(self.serverContext());
        dns.tlsa("_25._tcp.mx.b.test", 3, 1, 1, self.spkiSha256()).authenticated("b.test", "_25._tcp.mx.b.test");
        RemoteDelivery.DomainResult r = deliver(true, true);
        assertThat(result(r)).as(history(r)).isEqualTo(RemoteDelivery.Result.DELIVERED);
        assertThat(mx.messages().get(0).tls()).isTrue();
        assertThat(history(r)).contains("DANE: STARTTLS required");
        assertThat(successes("tlsa")).isEqualTo(1);
    }

    @Test
    void daneEeNotMatchingDefers() throws Exception {
        mx.use(ca.issue("mx.b.test").serverContext()); // valid for MTA-STS, but not the key the TLSA names
        dns.tlsa("_25._tcp.mx.b.test", 3, 1, 1, new TestCa().issue("x").spkiSha256())
                .authenticated("b.test", "_25._tcp.mx.b.test");
        RemoteDelivery.DomainResult r = deliver(true, true);
        assertThat(result(r)).isEqualTo(RemoteDelivery.Result.TEMPORARY);
        assertThat(r.attempt().result()).contains("certificate refused under the domain's DANE TLSA records");
        assertThat(mx.messages()).isEmpty();
        assertThat(failures("tlsa")).isEqualTo("validation-failure:1");
    }

    @Test
    void daneTaMatchingTheIssuerDelivers() throws Exception {
        dns.tlsa("_25._tcp.mx.b.test", 2, 0, 1, java.security.MessageDigest.getInstance("SHA-256")
                .digest(ca.certificate().getEncoded())).authenticated("b.test", "_25._tcp.mx.b.test");
        RemoteDelivery.DomainResult r = deliver(false, true);
        assertThat(result(r)).as(history(r)).isEqualTo(RemoteDelivery.Result.DELIVERED);
        assertThat(successes("tlsa")).isEqualTo(1);
    }

    @Test
    void tlsaWithoutTheAdBitIsIgnored() throws Exception {
        mx.use(ca.issue("other.example").serverContext());
        dns.tlsa("_25._tcp.mx.b.test", 3, 1, 1, new TestCa().issue("x").spkiSha256()).authenticated("b.test");
        RemoteDelivery.DomainResult r = deliver(false, true);
        assertThat(result(r)).as(history(r)).isEqualTo(RemoteDelivery.Result.DELIVERED);
        assertThat(successes("tlsa")).isZero();
    }

    @Test
    void withoutDnsDnssecTheAdBitIsNotBelieved() throws Exception {
        dns.tlsa("_25._tcp.mx.b.test", 3, 1, 1, new TestCa().issue("x").spkiSha256())
                .authenticated("b.test", "_25._tcp.mx.b.test");
        RemoteDelivery.DomainResult r = deliver(false, false);
        assertThat(result(r)).as(history(r)).isEqualTo(RemoteDelivery.Result.DELIVERED);
        assertThat(history(r)).doesNotContain("DANE");
    }

    @Test
    void aTlsaLookupFailureUnderDnssecDefers() {
        dns.servfail("_25._tcp.mx.b.test").authenticated("b.test");
        RemoteDelivery.DomainResult r = deliver(false, true);
        assertThat(result(r)).isEqualTo(RemoteDelivery.Result.TEMPORARY);
        assertThat(r.attempt().result()).contains("TLSA look-up for mx.b.test failed under DNSSEC");
        assertThat(mx.messages()).isEmpty();
    }

    /** The one message of these tests. */
    static final class OneBlob implements BlobStore {
        @Override
        public BlobWriter create() {
            throw new UnsupportedOperationException();
        }

        @Override
        public InputStream open(String id) {
            return new ByteArrayInputStream(MESSAGE);
        }

        @Override
        public long size(String id) {
            return MESSAGE.length;
        }

        @Override
        public void delete(String id) {
        }
    }
}
