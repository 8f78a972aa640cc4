package org.mailroom.protocol.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mailroom.protocol.tls.TestCertificates.connect;
import static org.mailroom.protocol.tls.TestCertificates.readLine;
import static org.mailroom.protocol.tls.TestCertificates.readUntilClosed;
import static org.mailroom.protocol.tls.TestCertificates.send;
import static org.mailroom.protocol.tls.TestCertificates.wrap;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.net.Socket;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartTlsTest {

    @TempDir
    Path dataDir;

    private TlsContext tls;
    private LineServer server;

    @BeforeEach
    void start() throws Exception {
        tls = new TlsContext(CertificateSource.selfSigned(dataDir, "mail.example.test"));
        server = new LineServer(tls, false);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void upgradesAfterTheReplyAndTheSessionLearnsOfTheHandshake() throws Exception {
        try (Socket plain = connect(server.port())) {
            send(plain, "NOOP\r\n");
            assertThat(readLine(plain)).isEqualTo("250 NOOP");
            send(plain, "STARTTLS\r\n");
            assertThat(readLine(plain)).isEqualTo("220 ready");

            SSLSocket secure = wrap(plain, tls.certificate());
            secure.startHandshake();
            send(secure, "NOOP\r\n");
            assertThat(readLine(secure)).isEqualTo("250 NOOP");
            assertThat(secure.getSession().getProtocol()).isEqualTo("TLSv1.3");

            await().until(() -> server.upgrades.size() == 1 && server.upgrades.get(0).isSuccess());
            // SCRAM-PLUS: both ends compute the same tls-server-end-point (ECDSA with SHA-256 -> SHA-256).
            X509Certificate seen = (X509Certificate) secure.getSession().getPeerCertificates()[0];
            await().until(() -> server.bindings.size() == 1);
            assertThat(server.bindings.get(0)).isEqualTo(MessageDigest.getInstance("SHA-256").digest(seen.getEncoded()));
        }
    }

    @Test
    void commandsPipelinedBeforeStartTlsAreAnsweredInPlainText() throws Exception {
        try (Socket plain = connect(server.port())) {
            send(plain, "NOOP\r\nSTARTTLS\r\n");
            assertThat(readLine(plain)).isEqualTo("250 NOOP");
            assertThat(readLine(plain)).isEqualTo("220 ready");
            SSLSocket secure = wrap(plain, tls.certificate());
            send(secure, "HELLO\r\n");
            assertThat(readLine(secure)).isEqualTo("250 HELLO");
        }
    }

    /** CVE-2011-0411: "NOOP" came in plain text with STARTTLS and must never be executed, before or after TLS. */
    @Test
    void commandInjectedInTheSamePacketClosesTheConnectionWithoutReply() throws Exception {
        try (Socket plain = connect(server.port())) {
            send(plain, "STARTTLS\r\nNOOP\r\n");
            assertThat(readUntilClosed(plain)).isEmpty();
        }
        await().until(() -> server.upgrades.size() == 1 && server.upgrades.get(0).isDone());
        assertThat(server.upgrades.get(0).cause()).isInstanceOf(SSLException.class).hasMessageContaining("after STARTTLS");
    }

    @Test
    void commandSentRightAfterStartTlsWithoutWaitingIsNeverAnswered() throws Exception {
        try (Socket plain = connect(server.port())) {
            send(plain, "STARTTLS\r\n");
            send(plain, "NOOP\r\n");
            // Depending on timing the 220 went out before NOOP arrived (then TLS rejects NOOP as not a record),
            // or it did not (then StartTls saw the bytes); either way NOOP gets no answer and the line closes.
            assertThat(readUntilClosed(plain)).doesNotContain("250");
        }
        await().until(() -> server.upgrades.size() == 1 && server.upgrades.get(0).isDone());
        assertThat(server.upgrades.get(0).isSuccess()).isFalse();
    }

    @Test
    void secondStartTlsIsRefusedAndTheDecoderResumes() throws Exception {
        try (Socket plain = connect(server.port())) {
            send(plain, "STARTTLS\r\n");
            assertThat(readLine(plain)).isEqualTo("220 ready");
            SSLSocket secure = wrap(plain, tls.certificate());
            send(secure, "STARTTLS\r\nNOOP\r\n");
            assertThat(readLine(secure)).isEqualTo("503 TLS already active");
            assertThat(readLine(secure)).isEqualTo("250 NOOP");
        }
        assertThat(server.upgrades).hasSize(1);
    }

    @Test
    void upgradeOfAClosedConnectionFails() throws Exception {
        try (Socket plain = connect(server.port())) {
            send(plain, "STARTTLS\r\n");
            assertThat(readLine(plain)).isEqualTo("220 ready");
        } // closed before any handshake
        await().until(() -> server.upgrades.size() == 1 && server.upgrades.get(0).isDone());
        Future<Channel> upgrade = server.upgrades.get(0);
        assertThat(upgrade.isSuccess()).isFalse();
    }
}
