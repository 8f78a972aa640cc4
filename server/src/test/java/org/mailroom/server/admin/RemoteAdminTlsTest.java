package org.mailroom.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.protocol.EventLoops;
import org.mailroom.protocol.tls.CertificateSource;
import org.mailroom.protocol.tls.TlsContext;
import org.mailroom.server.http.AdminHttpServer;
import org.mailroom.server.http.AdminRoutes;

/**
 * An admin listener off loopback speaks HTTPS with the server's (often self-signed) certificate: the command line
 * trusts exactly the certificate whose SHA-256 the server published in admin.endpoint, and no other.
 */
class RemoteAdminTlsTest {

    @Test
    void theCommandLinePinsThePublishedCertificate(@TempDir Path dir) throws Exception {
        TlsContext tls = new TlsContext(CertificateSource.forConfig(null, null, dir, "mx.example.test"));
        InMemoryDirectory directory = new InMemoryDirectory();
        directory.addDomain("example.test");
        AdminEndpoint endpoint = AdminEndpoint.create(dir);
        try (EventLoops loops = EventLoops.forThisMachine();
             AdminHttpServer server = new AdminHttpServer(loops, tls, new AdminRoutes.Backend(directory, null, () -> { },
                     null, List::of, null, null, endpoint.token(), org.mailroom.core.dkim.DkimRotation.Settings.DEFAULT), false)) {
            InetSocketAddress at = server.start(new InetSocketAddress("127.0.0.1", 0));
            String url = "https://127.0.0.1:" + at.getPort();

            endpoint.publish(url, HexFormat.of().formatHex(RemoteAdmin.fingerprint(tls.certificate())));
            RemoteAdmin.Found pinned = RemoteAdmin.find(dir);
            assertThat(pinned.admin()).as(pinned.note()).isNotNull();
            assertThat(pinned.admin().domains()).containsExactly("example.test");

            endpoint.publish(url, "00".repeat(32));
            RemoteAdmin.Found other = RemoteAdmin.find(dir);
            assertThat(other.admin()).isNull();
            assertThat(other.note()).contains("no server answers at " + url);

            endpoint.withdraw();
            assertThat(RemoteAdmin.find(dir)).isEqualTo(new RemoteAdmin.Found(null, null));
        }
    }
}
