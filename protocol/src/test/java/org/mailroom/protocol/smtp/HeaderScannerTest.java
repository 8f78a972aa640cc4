package org.mailroom.protocol.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HeaderScannerTest {

    private static final String MESSAGE = "Received: a\r\nX-Received: no\r\nreceived: b\r\n folded Received: no\r\n"
            + "RECEIVED:c\r\nSubject: s\r\n\r\nReceived: in the body, not counted\r\n";

    @Test
    void countsReceivedFieldsOfTheHeaderSectionOnlyWhereverTheChunksAreCut() {
        for (int cut = 0; cut <= MESSAGE.length(); cut++) {
            HeaderScanner scanner = new HeaderScanner();
            scanner.scan(Unpooled.copiedBuffer(MESSAGE.substring(0, cut), StandardCharsets.US_ASCII));
            scanner.scan(Unpooled.copiedBuffer(MESSAGE.substring(cut), StandardCharsets.US_ASCII));
            assertThat(scanner.receivedHeaders()).as("cut at %d", cut).isEqualTo(3);
        }
    }
}
