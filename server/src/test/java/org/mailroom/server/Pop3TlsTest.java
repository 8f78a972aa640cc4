package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POP3 with STLS (RFC 2595) on the plain port and implicit TLS on the POP3S port (RFC 8314). */
class Pop3TlsTest {

    @TempDir
    static Path data;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(data);
        try (Socket s = new Socket("127.0.0.1", server.smtp().getPort())) {
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            in.readLine();
            for (String command : List.of("HELO tls.test", "MAIL FROM:<a@elsewhere.test>", "RCPT TO:<alice@example.test>", "DATA")) {
                out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
                in.readLine();
            }
            out.write("Subject: for tls\r\n\r\nread me over TLS\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("250");
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }


    @Test
    void opensslStartTlsPop3NegotiatesTls13() throws Exception {
        String out = Programs.run("QUIT\n", "openssl", "s_client", "-ign_eof", "-crlf", "-starttls", "pop3",
                "-connect", "127.0.0.1:" + server.pop3().getPort(), "-tls1_3");
        assertThat(out).contains("TLSv1.3").contains("+OK");
    }

    @Test
    void pythonPoplibStlsAndPop3Ssl() throws Exception {
        Path script = Path.of(Pop3TlsTest.class.getResource("/interop/pop3_tls.py").toURI());
        String out = Programs.run("", "python3", script.toString(), "127.0.0.1", String.valueOf(server.pop3().getPort()),
                String.valueOf(server.pop3s().getPort()), "alice@example.test", TestServer.PASSWORD);
        assertThat(out).contains("stls ok TLSv1.3").contains("pop3s ok TLSv1.3");
    }

    @Test
    void curlWithSslReqdAndPop3s() throws Exception {
        String user = "alice%40example.test:" + TestServer.PASSWORD;
        assertThat(Programs.run("", "curl", "-sS", "--max-time", "20", "--ssl-reqd", "-k",
                "pop3://" + user + "@127.0.0.1:" + server.pop3().getPort() + "/1")).contains("read me over TLS");
        assertThat(Programs.run("", "curl", "-sS", "--max-time", "20", "-k",
                "pop3s://" + user + "@127.0.0.1:" + server.pop3s().getPort() + "/1")).contains("read me over TLS");
    }

    @Test
    void commandsSentWithStlsAreNeverObeyed() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.pop3().getPort())) {
            s.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("+OK");
            s.getOutputStream().write("STLS\r\nUSER alice@example.test\r\n".getBytes(StandardCharsets.US_ASCII));
            String line;
            try {
                line = in.readLine();
            } catch (IOException reset) {
                line = null;
            }
            // Closed without a reply (or, at most, the STLS reply was already out): never "+OK send PASS".
            assertThat(line == null || line.startsWith("+OK Begin TLS")).as("got %s", line).isTrue();
        }
    }
}
