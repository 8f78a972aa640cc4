package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SEARCH BODY and TEXT (RFC 9051 section 6.4.4) match what the user reads: a base64 UTF-8 part, a quoted-printable
 * ISO-8859-1 part, a multipart/alternative with an attachment, searched for non-ASCII words with CHARSET UTF-8,
 * by python3's imaplib (interop/imap_search_decoded.py).
 */
class ImapSearchDecodedTest {

    @TempDir
    Path data;
    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(data);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void bodyAndTextSearchTheDecodedText() throws Exception {
        Path script = Path.of(ImapSearchDecodedTest.class.getResource("/interop/imap_search_decoded.py").toURI());
        String out = Programs.run(null, List.of("python3", script.toString(), "127.0.0.1",
                String.valueOf(server.imap().getPort()), "alice@example.test", TestServer.PASSWORD));
        assertThat(out).contains("ok: BODY skips the attachment", "ok: TEXT finds a decoded RFC 2047 subject",
                "python imap search decoded: done").doesNotContain("FAIL");
    }
}
