package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * COMPRESS=DEFLATE (RFC 4978) with python3's zlib as the other end (raw deflate, wbits -15): on port 143, and on
 * port 993 where the codecs sit inside TLS.
 */
class ImapCompressTest {

    @TempDir
    static Path data;
    static TestServer server;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start(data);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String run(String user, int port, String... extra) throws Exception {
        server.server.storage().directory().addAccount(user, TestServer.PASSWORD.toCharArray());
        Path script = Path.of(ImapCompressTest.class.getResource("/interop/imap_compress.py").toURI());
        List<String> command = new java.util.ArrayList<>(List.of("python3", script.toString(), "127.0.0.1",
                String.valueOf(port), user, TestServer.PASSWORD));
        command.addAll(List.of(extra));
        return Programs.run(null, command);
    }

    @Test
    void deflateOnPlainImap() throws Exception {
        String out = run("squeeze@example.test", server.imap().getPort());
        assertThat(out).contains("python imap compress: all checks passed").doesNotContain("FAIL");
    }

    @Test
    void deflateInsideTls() throws Exception {
        String out = run("squeeze-tls@example.test", server.imaps().getPort(), "tls");
        assertThat(out).contains("python imap compress over tls: all checks passed").doesNotContain("FAIL");
    }
}
