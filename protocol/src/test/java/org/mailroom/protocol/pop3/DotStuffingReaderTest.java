package org.mailroom.protocol.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DotStuffingReaderTest {

    @BeforeAll
    static void quiet() {
        QuietLogs.apply();
    }

    private static final String MESSAGE = "Subject: hi\r\nFrom: a@example.test\r\n\r\nline 1\r\n.line 2\r\n..\r\nline 4\r\n";

    @Test
    void wholeMessageIsStuffedAndTerminatedWhateverTheChunkSize() throws IOException {
        String expected = "Subject: hi\r\nFrom: a@example.test\r\n\r\nline 1\r\n..line 2\r\n...\r\nline 4\r\n.\r\n";
        for (int chunk = 1; chunk <= MESSAGE.length() + 1; chunk++) {
            assertThat(read(MESSAGE, Long.MAX_VALUE, chunk)).as("chunk size %d", chunk).isEqualTo(expected);
        }
    }

    @Test
    void missingFinalCrlfIsAddedBeforeTheTerminator() throws IOException {
        assertThat(read("Subject: x\r\n\r\nno end", Long.MAX_VALUE, 4)).isEqualTo("Subject: x\r\n\r\nno end\r\n.\r\n");
    }

    @Test
    void dotAtTheVeryStartIsStuffed() throws IOException {
        assertThat(read(".\r\n", Long.MAX_VALUE, 1)).isEqualTo("..\r\n.\r\n");
    }

    @Test
    void emptyBlobIsJustTheTerminator() throws IOException {
        assertThat(read("", Long.MAX_VALUE, 8)).isEqualTo(".\r\n");
    }

    @Test
    void topSendsHeaderBlankLineAndTheGivenNumberOfBodyLines() throws IOException {
        for (int chunk = 1; chunk <= MESSAGE.length(); chunk++) {
            assertThat(read(MESSAGE, 0, chunk)).isEqualTo("Subject: hi\r\nFrom: a@example.test\r\n\r\n.\r\n");
            assertThat(read(MESSAGE, 2, chunk))
                    .isEqualTo("Subject: hi\r\nFrom: a@example.test\r\n\r\nline 1\r\n..line 2\r\n.\r\n");
            assertThat(read(MESSAGE, 100, chunk)).isEqualTo(read(MESSAGE, Long.MAX_VALUE, chunk));
        }
    }

    @Test
    void topOfAMessageWithoutBodyIsTheWholeHeader() throws IOException {
        assertThat(read("Subject: only\r\n", 3, 5)).isEqualTo("Subject: only\r\n.\r\n");
    }

    private static String read(String message, long bodyLines, int chunkSize) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DotStuffingReader reader = new DotStuffingReader(
                new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)), bodyLines, chunkSize)) {
            ByteBuf chunk;
            while ((chunk = reader.nextChunk(UnpooledByteBufAllocator.DEFAULT)) != null) {
                byte[] bytes = new byte[chunk.readableBytes()];
                chunk.readBytes(bytes);
                chunk.release();
                out.write(bytes);
            }
            assertThat(reader.finished()).isTrue();
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
