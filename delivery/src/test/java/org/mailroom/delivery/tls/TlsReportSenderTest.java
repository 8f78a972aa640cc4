package org.mailroom.delivery.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.delivery.dns.DnsjavaResolver;
import org.mailroom.delivery.testing.MutableClock;
import org.mailroom.delivery.testing.TestCa;
import org.mailroom.delivery.testing.TestDnsServer;
import tools.jackson.databind.JsonNode;

/**
 * An https rua (RFC 8460 section 5.4): the day's report POSTed as application/tlsrpt+gzip; counts survive a
 * restart of the counter (the file). The mailto path runs end to end in the server's MtaStsEndToEndTest.
 */
class TlsReportSenderTest {

    @TempDir
    Path dir;

    @Test
    void postsYesterdaysReportToAnHttpsRua() throws Exception {
        TestCa ca = new TestCa();
        List<String> types = new CopyOnWriteArrayList<>();
        List<byte[]> bodies = new CopyOnWriteArrayList<>();
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ca.issue("localhost").serverContext()));
        server.createContext("/tlsrpt", exchange -> {
            types.add(exchange.getRequestHeaders().getFirst("Content-Type"));
            try (InputStream in = exchange.getRequestBody()) {
                bodies.add(in.readAllBytes());
            }
            exchange.sendResponseHeaders(201, -1);
            exchange.close();
        });
        server.start();
        MutableClock clock = new MutableClock(Instant.parse("2026-12-03T08:00:00Z"));
        try (TestDnsServer dns = TestDnsServer.start()) {
            dns.txt("_smtp._tls.b.test", "v=TLSRPTv1; rua=https://localhost:" + server.getAddress().getPort() + "/tlsrpt");
            TlsReports.Policy tlsa = new TlsReports.Policy("b.test", "tlsa", List.of("3 1 1 abcd"), List.of("mx.b.test"));
            TlsReports counts = new TlsReports(dir.resolve(TlsReports.FILE_NAME), clock);
            counts.success(tlsa);
            counts.success(tlsa);
            counts.failure(tlsa, "validation-failure", "mx.b.test", "192.0.2.1", "no TLSA record matches");
            counts.success(TlsReports.Policy.none("silent.test")); // no _smtp._tls record: no report, forgotten
            counts.flush();

            TlsReports reread = new TlsReports(dir.resolve(TlsReports.FILE_NAME), clock);
            DnsjavaResolver resolver = new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2), clock);
            TlsReportSender sender = new TlsReportSender(reread, resolver, null, null, "mx.a.test", "A",
                    TrustAnchors.load(ca.writePem(dir.resolve("ca.pem"))), clock);
            assertThat(sender.sendDue()).isZero(); // the day is not over
            clock.advance(Duration.ofDays(1));
            assertThat(sender.sendDue()).isEqualTo(1);
            assertThat(sender.sendDue()).isZero();
            assertThat(reread.before(java.time.LocalDate.of(2026, 12, 10))).isEmpty();
        } finally {
            server.stop(0);
        }
        assertThat(types).containsExactly("application/tlsrpt+gzip");
        JsonNode json;
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(bodies.get(0)))) {
            json = JsonFiles.MAPPER.readTree(in.readAllBytes());
        }
        JsonNode policy = json.get("policies").get(0);
        assertThat(policy.get("policy").get("policy-type").asString()).isEqualTo("tlsa");
        assertThat(policy.get("policy").get("policy-string").get(0).asString()).isEqualTo("3 1 1 abcd");
        assertThat(policy.get("summary").get("total-successful-session-count").asLong()).isEqualTo(2);
        assertThat(policy.get("summary").get("total-failure-session-count").asLong()).isEqualTo(1);
        assertThat(policy.get("failure-details").get(0).get("result-type").asString()).isEqualTo("validation-failure");
        assertThat(policy.get("failure-details").get(0).get("receiving-ip").asString()).isEqualTo("192.0.2.1");
    }
}
