package org.mailroom.protocol.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SubmissionHeadersTest {

    private static final String MESSAGE = "From: \"Alice, A.\" <alice@example.test>,\r\n bob@example.test (Bob)\r\n"
            + "Subject: hi\r\nmessage-id: <x@y>\r\n\r\nbody line\r\n";

    @Test
    void holdsTheHeaderSectionWhereverTheChunksAreCutAndPassesTheBodyOn() {
        int headerLength = MESSAGE.indexOf("\r\n\r\n") + 4;
        for (int cut = 0; cut <= MESSAGE.length(); cut++) {
            SubmissionHeaders headers = new SubmissionHeaders();
            StringBuilder body = new StringBuilder();
            for (String part : new String[] {MESSAGE.substring(0, cut), MESSAGE.substring(cut)}) {
                ByteBuf rest = headers.offer(Unpooled.copiedBuffer(part, StandardCharsets.US_ASCII));
                if (rest != null) {
                    body.append(rest.toString(StandardCharsets.US_ASCII));
                    rest.release();
                }
            }
            assertThat(headers.complete()).as("cut at %d", cut).isTrue();
            assertThat(headers.held().readableBytes()).isEqualTo(headerLength);
            assertThat(body.toString()).as("cut at %d", cut).isEqualTo("body line\r\n");
            assertThat(headers.fields("From")).hasSize(1);
            assertThat(SubmissionHeaders.addresses(headers.fields("From").get(0)))
                    .containsExactly("alice@example.test");
            assertThat(headers.fields("Message-ID")).containsExactly("<x@y>");
            assertThat(headers.fields("Date")).isEmpty();
            headers.release();
        }
    }

    @Test
    void bareAddressesAreFoundWhenThereAreNoAngleBrackets() {
        assertThat(SubmissionHeaders.addresses("bob@example.test (Bob), \"x@y\" carol@example.test"))
                .containsExactly("bob@example.test", "carol@example.test");
    }

    @Test
    void anOversizedHeaderSectionIsMarkedAndNotHeldBeyondTheLimit() {
        SubmissionHeaders headers = new SubmissionHeaders();
        String line = "X-Filler: " + "y".repeat(1000) + "\r\n";
        for (int i = 0; i < 300; i++) {
            assertThat(headers.offer(Unpooled.copiedBuffer(line, StandardCharsets.US_ASCII))).isNull();
        }
        ByteBuf rest = headers.offer(Unpooled.copiedBuffer("\r\nbody\r\n", StandardCharsets.US_ASCII));
        assertThat(rest.toString(StandardCharsets.US_ASCII)).isEqualTo("body\r\n");
        rest.release();
        assertThat(headers.tooLarge()).isTrue();
        assertThat(headers.held().readableBytes()).isLessThanOrEqualTo(SubmissionHeaders.MAX_HEADER_BYTES);
        headers.release();
    }
}
