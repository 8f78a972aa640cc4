package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file in transcripts/imap/ played against a real server over a socket, each on a fresh data directory
 * (the transcripts create and delete mailboxes, and expect UIDs from 1).
 */
class ImapTranscriptTest {

    @TempDir
    Path data;

    @TestFactory
    Stream<DynamicTest> transcripts() throws IOException, URISyntaxException {
        Path dir = Path.of(ImapTranscriptTest.class.getResource("/transcripts/imap").toURI());
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(1);
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            Path own = Files.createDirectory(data.resolve(file.getFileName().toString().replace(".txt", "")));
            try (TestServer server = TestServer.start(own)) {
                int checked = Transcript.parse(file.getFileName().toString(), text).play(server.imap());
                assertThat(checked).isPositive();
            }
        }));
    }
}
