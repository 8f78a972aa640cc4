package org.mailroom.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.protocol.EventLoops;
import org.mailroom.protocol.tls.CertificateSource;
import org.mailroom.protocol.tls.TlsContext;

/**
 * The admin listener with the server certificate, as Server starts it on an address off loopback (bound here on
 * loopback, as every test listener is): HTTPS works, plain HTTP gets nothing.
 */
class AdminTlsTest {

    @Test
    void servesHttpsWithTheServerCertificate(@TempDir Path dir) throws Exception {
        TlsContext tls = new TlsContext(CertificateSource.forConfig(null, null, dir, "mx.example.test"));
        try (EventLoops loops = EventLoops.forThisMachine();
             AdminHttpServer server = new AdminHttpServer(loops, tls,
                     new AdminRoutes.Backend(null, null, () -> { }, null, List::of), false)) {
            InetSocketAddress address = server.start(new InetSocketAddress("127.0.0.1", 0));
            SSLContext trustAll = SSLContext.getInstance("TLS");
            trustAll.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            HttpClient https = HttpClient.newBuilder().sslContext(trustAll).connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> live = https.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + address.getPort() + "/healthz")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(live.statusCode()).isEqualTo(200);
            SSLSession session = live.sslSession().orElseThrow();
            assertThat(session.getProtocol()).isIn("TLSv1.3", "TLSv1.2");
            assertThat(((X509Certificate) session.getPeerCertificates()[0]).getSubjectX500Principal().getName())
                    .contains("mx.example.test");

            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            boolean answered;
            try {
                plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + "/healthz"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                answered = true;
            } catch (java.io.IOException expected) {
                answered = false;
            }
            assertThat(answered).as("plain HTTP on the TLS listener").isFalse();
        }
    }
}
