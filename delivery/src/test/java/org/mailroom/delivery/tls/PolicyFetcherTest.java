package org.mailroom.delivery.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.delivery.dns.DnsjavaResolver;
import org.mailroom.delivery.testing.PolicyServer;
import org.mailroom.delivery.testing.TestCa;
import org.mailroom.delivery.testing.TestDnsServer;

/** The HTTPS rules of RFC 8461 section 3.3, against a policy server on loopback. */
class PolicyFetcherTest {

    @TempDir
    Path dir;

    TestDnsServer dns;
    PolicyServer server;
    PolicyFetcher fetcher;

    @BeforeEach
    void start() throws Exception {
        TestCa ca = new TestCa();
        dns = TestDnsServer.start();
        dns.a("mta-sts.b.test", "127.0.0.1");
        server = new PolicyServer(ca.issue("mta-sts.b.test").serverContext());
        DnsjavaResolver resolver = new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2), Clock.systemUTC());
        fetcher = new PolicyFetcher(resolver, TrustAnchors.load(ca.writePem(dir.resolve("ca.pem"))), server.port(),
                Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        server.close();
        dns.close();
    }

    private String failure(String domain) {
        try {
            fetcher.fetch(domain);
            return "fetched";
        } catch (PolicyFetcher.Failure f) {
            return f.resultType() + ": " + f.getMessage();
        }
    }

    @Test
    void fetchesAPlainTextPolicy() throws Exception {
        server.serve("version: STSv1\nmode: testing\nmx: mx.b.test\nmax_age: 60\n");
        assertThat(fetcher.fetch("b.test")).startsWith("version: STSv1\nmode: testing");
    }

    @Test
    void aRedirectIsNotFollowed() {
        server.serve(301, "text/plain", "moved");
        assertThat(failure("b.test")).startsWith("sts-policy-fetch-error").contains("301");
    }

    @Test
    void anotherContentTypeIsInvalid() {
        server.serve(200, "text/html", "version: STSv1\n");
        assertThat(failure("b.test")).startsWith("sts-policy-invalid").contains("text/html");
    }

    @Test
    void moreThan64KiBIsInvalid() {
        server.serve(200, "text/plain", "x".repeat(PolicyFetcher.MAX_BODY + 1));
        assertThat(failure("b.test")).startsWith("sts-policy-invalid").contains("65537 octets");
    }

    @Test
    void noAddressOrNoServerIsAFetchError() {
        assertThat(failure("nowhere.test")).startsWith("sts-policy-fetch-error: no address for mta-sts.nowhere.test");
        server.close();
        assertThat(failure("b.test")).startsWith("sts-policy-fetch-error");
    }

    @Test
    void aCertificateFromAnUnknownCaIsAWebPkiFailure() throws Exception {
        server.close();
        server = new PolicyServer(new TestCa().issue("mta-sts.b.test").serverContext()).serve("version: STSv1\n");
        DnsjavaResolver resolver = new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2), Clock.systemUTC());
        PolicyFetcher jdkTrustOnly = new PolicyFetcher(resolver, TrustAnchors.load(null), server.port(), Duration.ofSeconds(5));
        assertThatThrownBy(() -> jdkTrustOnly.fetch("b.test")).isInstanceOf(PolicyFetcher.Failure.class)
                .hasMessageContaining("not trusted")
                .extracting(f -> ((PolicyFetcher.Failure) f).resultType()).isEqualTo("sts-webpki-invalid");
    }
}
