package org.mailroom.protocol.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailroom.protocol.tls.TestCertificates.readLine;
import static org.mailroom.protocol.tls.TestCertificates.send;

import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsContextTest {

    @TempDir
    Path dir;

    // --- protocol and cipher policy, checked from outside with openssl against an implicit-TLS server ---

    @Test
    void negotiatesTls13() throws Exception {
        try (LineServer server = implicitServer()) {
            OpensslResult result = sClient(server.port(), "-tls1_3");
            assertThat(result.output).contains("New, TLSv1.3, Cipher is TLS_AES_128_GCM_SHA256");
            assertThat(result.exitCode).isZero();
        }
    }

    @Test
    void acceptsTls12WithAnEcdheAeadSuite() throws Exception {
        try (LineServer server = implicitServer()) {
            OpensslResult result = sClient(server.port(), "-tls1_2");
            assertThat(result.output)
                    .containsPattern("New, TLSv1\\.2, Cipher is ECDHE-ECDSA-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)");
            assertThat(result.exitCode).isZero();
        }
    }

    @Test
    void refusesTls11AndTls10() throws Exception {
        try (LineServer server = implicitServer()) {
            // SECLEVEL=0 makes openssl itself willing to offer the old versions, so the refusal is the server's.
            for (String version : List.of("-tls1_1", "-tls1")) {
                OpensslResult result = sClient(server.port(), version, "-cipher", "DEFAULT@SECLEVEL=0");
                assertThat(result.exitCode).as(version).isNotZero();
                assertThat(result.output).as(version).contains("alert protocol version");
            }
        }
    }

    @Test
    void refusesTls12SuitesOutsideTheProfile() throws Exception {
        try (LineServer server = implicitServer()) {
            // CBC with ECDHE, and RSA key exchange (no forward secrecy).
            for (String cipher : List.of("ECDHE-ECDSA-AES128-SHA256", "AES128-GCM-SHA256")) {
                OpensslResult result = sClient(server.port(), "-tls1_2", "-cipher", cipher);
                assertThat(result.exitCode).as(cipher).isNotZero();
                assertThat(result.output).as(cipher).contains("handshake failure");
            }
        }
    }

    // --- reload without restart ---

    @Test
    void newConnectionsSeeReplacedFilesWhileOpenOnesKeepWorking() throws Exception {
        Path certificateFile = dir.resolve("chain.pem");
        Path keyFile = dir.resolve("key.pem");
        X509Certificate first = writePair(certificateFile, keyFile, "first.example.test");
        TlsContext tls = new TlsContext(CertificateSource.files(certificateFile, keyFile), Duration.ZERO);

        try (LineServer server = new LineServer(tls, true);
                SSLSocket old = trustingClient(server.port())) {
            assertThat(peerCertificate(old)).isEqualTo(first);

            X509Certificate second = writePair(certificateFile, keyFile, "second.example.test");
            bumpModificationTimes(certificateFile, keyFile);
            try (SSLSocket fresh = trustingClient(server.port())) {
                assertThat(peerCertificate(fresh)).isEqualTo(second);
            }
            assertThat(tls.certificate()).isEqualTo(second);

            send(old, "STILL THERE\r\n");
            assertThat(readLine(old)).isEqualTo("250 STILL THERE");
        }
    }

    @Test
    void failedReloadKeepsTheCertificateInUse() throws Exception {
        Path certificateFile = dir.resolve("chain.pem");
        Path keyFile = dir.resolve("key.pem");
        X509Certificate first = writePair(certificateFile, keyFile, "first.example.test");
        TlsContext tls = new TlsContext(CertificateSource.files(certificateFile, keyFile), Duration.ZERO);

        // A certificate whose key was not written yet, as in the middle of a renewal.
        PemFiles.writeCertificate(certificateFile, TestCertificates.certificate(TestCertificates.ecKeys(), "other"));
        bumpModificationTimes(certificateFile, keyFile);
        try (LineServer server = new LineServer(tls, true);
                SSLSocket client = trustingClient(server.port())) {
            assertThat(peerCertificate(client)).isEqualTo(first);
            send(client, "HELLO\r\n");
            assertThat(readLine(client)).isEqualTo("250 HELLO");
        }
        assertThat(tls.reload()).isFalse();
        assertThat(tls.certificate()).isEqualTo(first);

        X509Certificate fixed = writePair(certificateFile, keyFile, "fixed.example.test");
        assertThat(tls.reload()).isTrue();
        assertThat(tls.certificate()).isEqualTo(fixed);
    }

    @Test
    void startsOnlyWithAUsableCertificate() throws Exception {
        Path certificateFile = dir.resolve("chain.pem");
        Files.writeString(certificateFile, "not a certificate\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> new TlsContext(CertificateSource.files(certificateFile, dir.resolve("missing.pem"))))
                .hasMessageContaining("chain.pem");
    }

    // --- helpers ---

    private LineServer implicitServer() throws Exception {
        assertThat(opensslAvailable()).as("openssl on PATH (.ci/run installs it)").isTrue();
        return new LineServer(new TlsContext(CertificateSource.selfSigned(dir, "mail.example.test")), true);
    }

    private static X509Certificate writePair(Path certificateFile, Path keyFile, String hostname) throws Exception {
        KeyPair keys = TestCertificates.ecKeys();
        X509Certificate certificate = TestCertificates.certificate(keys, hostname);
        PemFiles.writePrivateKey(keyFile, keys.getPrivate());
        PemFiles.writeCertificate(certificateFile, certificate);
        return certificate;
    }

    /** Makes the change visible even on a file system with coarse timestamps. */
    private static void bumpModificationTimes(Path... files) throws IOException {
        for (Path file : files) {
            Instant later = Files.getLastModifiedTime(file).toInstant().plusSeconds(60);
            Files.setLastModifiedTime(file, FileTime.from(later));
        }
    }

    /** A client that accepts any certificate, to look at which one the server presents. */
    private static SSLSocket trustingClient(int port) throws Exception {
        X509TrustManager anything = new X509TrustManager() {
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
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {anything}, new SecureRandom());
        Socket plain = TestCertificates.connect(port);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, "localhost", port, true);
        socket.startHandshake();
        return socket;
    }

    private static X509Certificate peerCertificate(SSLSocket socket) throws Exception {
        return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }

    private static final class OpensslResult {
        final int exitCode;
        final String output;

        OpensslResult(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }
    }

    private static boolean opensslAvailable() {
        try {
            Process process = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code openssl s_client} with stdin at end of file, so it leaves right after the handshake; bounded in time. */
    private static OpensslResult sClient(int port, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("openssl s_client did not finish: " + command);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new OpensslResult(process.exitValue(), output);
    }
}
