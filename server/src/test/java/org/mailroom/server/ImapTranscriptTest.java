package org.mailroom.server;


import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file in transcripts/imap/ played against one real server over a socket. Each transcript logs in as an
 * account of its own, named after the file ({@code basic-session@example.test}, password "secret"), so that
 * it starts from empty mailboxes and UIDs from 1.
 */
class ImapTranscriptTest {

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

    @TestFactory
    Stream<DynamicTest> transcripts() throws Exception {
        return Transcript.folder("/transcripts/imap", 8, name -> server.server.storage().directory()
                .addAccount(name + "@example.test", TestServer.PASSWORD.toCharArray()), server.imap());
    }
}
