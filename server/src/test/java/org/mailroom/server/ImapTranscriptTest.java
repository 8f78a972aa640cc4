package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    Stream<DynamicTest> transcripts() throws IOException, URISyntaxException {
        Path dir = Path.of(ImapTranscriptTest.class.getResource("/transcripts/imap").toURI());
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(8);
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            String account = file.getFileName().toString().replace(".txt", "") + "@example.test";
            server.server.storage().directory().addAccount(account, TestServer.PASSWORD.toCharArray());
            int checked = Transcript.parse(file.getFileName().toString(), text).play(server.imap());
            assertThat(checked).isPositive();
        }));
    }
}
