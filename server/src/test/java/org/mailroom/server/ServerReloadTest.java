package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.server.config.Config;

/**
 * {@link Server#reload} in process: a new recipient limit and other certificate files serve the next sessions, a
 * certificate that does not load changes nothing, and the changes name what needs a restart.
 */
class ServerReloadTest {

    @TempDir
    Path data;

    @Test
    void newSessionsGetTheNewLimitsAndCertificate() throws Exception {
        Map<String, String> sets = new HashMap<>(Map.of("listen.pop3", "\"\"", "listen.pop3s", "\"\"",
                "listen.imap", "\"\"", "listen.imaps", "\"\"", "listen.admin", "\"\"", "listen.managesieve", "\"\""));
        try (TestServer t = TestServer.start(data, sets)) {
            Config started = config(t, sets);
            assertThat(acceptedRecipients(t.smtp(), 3)).isEqualTo(3);
            assertThat(subject(t.submissions())).contains("CN=mx.example.test");

            Path cert = data.resolve("reloaded.crt");
            Path key = data.resolve("reloaded.key");
            Programs.run("", "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=reloaded.test", "-keyout", key.toString(), "-out", cert.toString());
            Map<String, String> next = new HashMap<>(sets);
            next.put("limits.recipients", "2");
            next.put("tls.certificate", "\"" + cert + "\"");
            next.put("tls.private_key", "\"" + key + "\"");
            next.put("listen.imap", "\"127.0.0.1:0\"");
            ConfigChanges changes = t.server.reload(config(t, next));
            assertThat(changes.applied()).containsExactlyInAnyOrder("limits.recipients", "tls.certificate", "tls.private_key");
            assertThat(changes.needRestart()).containsExactly("listen.imap");
            assertThat(acceptedRecipients(t.smtp(), 3)).isEqualTo(2);
            assertThat(subject(t.submissions())).contains("CN=reloaded.test");

            // A key file that is not there: an error, and neither the certificate nor the limits changed.
            Map<String, String> broken = new HashMap<>(next);
            broken.put("tls.private_key", "\"" + data.resolve("missing.key") + "\"");
            broken.put("limits.recipients", "1");
            assertThatThrownBy(() -> t.server.reload(config(t, broken))).isInstanceOf(IOException.class);
            assertThat(acceptedRecipients(t.smtp(), 3)).isEqualTo(2);
            assertThat(subject(t.submissions())).contains("CN=reloaded.test");
            assertThat(started.limits().recipients()).isEqualTo(100);
        }
    }

    /** The configuration TestServer starts with, plus {@code sets}. */
    private static Config config(TestServer t, Map<String, String> sets) {
        Map<String, String> all = new HashMap<>(Map.of("server.hostname", "\"mx.example.test\"",
                "server.data_dir", org.mailroom.server.admin.StoreOptions.tomlString(t.dataDir.toString()),
                "limits.error_delay", "\"0s\"", "limits.auth_delay", "\"0s\"",
                "limits.auth_attempts_per_minute", "10000", "auth.verify", "false"));
        for (String key : new String[] {"smtp", "submission", "submissions"}) all.put("listen." + key, "\"127.0.0.1:0\"");
        all.putAll(sets);
        return Config.load(Optional.empty(), all);
    }

    /** How many of {@code n} recipients a new SMTP session accepts in one transaction. */
    private static int acceptedRecipients(InetSocketAddress smtp, int n) throws IOException {
        try (Socket s = new Socket(smtp.getAddress(), smtp.getPort())) {
            s.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            assertThat(in.readLine()).startsWith("220 ");
            out.write("HELO reload.test\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("250");
            out.write("MAIL FROM:<x@elsewhere.test>\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("250");
            int accepted = 0;
            for (int i = 0; i < n; i++) {
                out.write(("RCPT TO:<" + (i % 2 == 0 ? "alice" : "bob") + "@example.test>\r\n").getBytes(StandardCharsets.US_ASCII));
                if (in.readLine().startsWith("250")) accepted++;
            }
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            return accepted;
        }
    }

    /** The subject of the certificate a new implicit-TLS connection is shown. */
    private static String subject(InetSocketAddress port) throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new X509TrustManager() {
            @Override public void checkClientTrusted(X509Certificate[] chain, String authType) {}
            @Override public void checkServerTrusted(X509Certificate[] chain, String authType) {}
            @Override public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, new SecureRandom());
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(port.getAddress(), port.getPort())) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }
}
