package org.mailroom.protocol.smtp.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    private static final String STORED = "Return-Path: <a@b.test>\r\nSubject: s\r\n\r\n.dot\nbare lf\rbare cr\r\n..\r\nend";

    private static String all(WireFormat wire) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk;
        while ((chunk = wire.next()) != null) out.write(chunk);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static ByteArrayInputStream stored(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void dataIsDotStuffedWithCrLfOnlyAndEndsWithTheDot() throws IOException {
        assertThat(all(WireFormat.of(stored(STORED))))
                .isEqualTo("Subject: s\r\n\r\n..dot\r\nbare lf\r\nbare cr\r\n...\r\nend\r\n.\r\n");
    }

    @Test
    void chunksKeepDotsAsTheyAreAndHaveNoTerminator() throws IOException {
        WireFormat wire = WireFormat.chunked(stored(STORED));
        assertThat(all(wire)).isEqualTo("Subject: s\r\n\r\n.dot\r\nbare lf\r\nbare cr\r\n..\r\nend\r\n");
        assertThat(wire.finished()).isTrue();
    }

    @Test
    void aLargeMessageComesInSeveralChunksTheLastMarkedFinished() throws IOException {
        String big = "x".repeat(200_000) + "\r\n";
        WireFormat wire = WireFormat.chunked(stored(big));
        int chunks = 0;
        long octets = 0;
        byte[] chunk;
        while ((chunk = wire.next()) != null) {
            chunks++;
            octets += chunk.length;
            assertThat(wire.finished()).isEqualTo(octets == big.length());
        }
        assertThat(chunks).isGreaterThan(1);
        assertThat(octets).isEqualTo(big.length());
    }
}
