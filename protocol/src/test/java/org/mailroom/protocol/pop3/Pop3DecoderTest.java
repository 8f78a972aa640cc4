package org.mailroom.protocol.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class Pop3DecoderTest {

    @BeforeAll
    static void quiet() {
        QuietLogs.apply();
    }

    private static final int LIMIT = 16; // 14 octets of text plus CRLF

    @Test
    void linesEndingInCrlfOrLfAtEveryByteBoundary() {
        String input = "USER alice@example.test\r\nPASS p w\nCAPA\r\n\r\nNOOP\r\n";
        List<Object> expected = List.of("USER alice@example.test", "PASS p w", "CAPA", "", "NOOP");
        byte[] bytes = input.getBytes(StandardCharsets.US_ASCII);
        for (int split = 0; split <= bytes.length; split++) {
            assertThat(decodeInTwo(bytes, split, 255)).as("split at %d", split).isEqualTo(expected);
        }
    }

    @Test
    void inputFedOneByteAtATime() {
        byte[] bytes = "STAT\r\nLIST 1\r\n".getBytes(StandardCharsets.US_ASCII);
        EmbeddedChannel channel = new EmbeddedChannel(new Pop3Decoder(255));
        for (byte b : bytes) channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        assertThat(drain(channel)).containsExactly("STAT", "LIST 1");
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void lineAtTheLimitPassesOneOctetMoreIsTooLong() {
        String fits = "x".repeat(LIMIT - 2);
        String over = "y".repeat(LIMIT - 1);
        byte[] bytes = (fits + "\r\n" + over + "\r\n" + fits + "\n" + over + "\nNOOP\r\n").getBytes(StandardCharsets.US_ASCII);
        List<Object> expected = List.of(fits, Pop3Decoder.Signal.LINE_TOO_LONG, fits, Pop3Decoder.Signal.LINE_TOO_LONG, "NOOP");
        for (int split = 0; split <= bytes.length; split++) {
            assertThat(decodeInTwo(bytes, split, LIMIT)).as("split at %d", split).isEqualTo(expected);
        }
    }

    @Test
    void overLongLineIsReportedOnceAndItsRestDiscardedAtEveryByteBoundary() {
        byte[] bytes = ("A".repeat(100) + "\r\nQUIT\r\n").getBytes(StandardCharsets.US_ASCII);
        List<Object> expected = List.of(Pop3Decoder.Signal.LINE_TOO_LONG, "QUIT");
        for (int split = 0; split <= bytes.length; split++) {
            assertThat(decodeInTwo(bytes, split, LIMIT)).as("split at %d", split).isEqualTo(expected);
        }
    }

    @Test
    void endlessLineIsNeverBuffered() {
        EmbeddedChannel channel = new EmbeddedChannel(new Pop3Decoder(LIMIT));
        byte[] chunk = "Z".repeat(4096).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 256; i++) { // 1 MiB without a line feed
            ByteBuf buf = Unpooled.wrappedBuffer(chunk);
            channel.writeInbound(buf);
            assertThat(buf.refCnt()).as("every chunk consumed and released").isZero();
        }
        channel.writeInbound(Unpooled.copiedBuffer("ZZZ\r\nNOOP\r\n", StandardCharsets.US_ASCII));
        assertThat(drain(channel)).containsExactly(Pop3Decoder.Signal.LINE_TOO_LONG, "NOOP");
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void utf8PasswordsSurvive() {
        EmbeddedChannel channel = new EmbeddedChannel(new Pop3Decoder(255));
        channel.writeInbound(Unpooled.copiedBuffer("PASS pässwörd\r\n", StandardCharsets.UTF_8));
        assertThat(drain(channel)).containsExactly("PASS pässwörd");
        channel.finish();
    }

    private static List<Object> decodeInTwo(byte[] bytes, int split, int limit) {
        EmbeddedChannel channel = new EmbeddedChannel(new Pop3Decoder(limit));
        channel.writeInbound(Unpooled.wrappedBuffer(bytes, 0, split));
        channel.writeInbound(Unpooled.wrappedBuffer(bytes, split, bytes.length - split));
        List<Object> out = drain(channel);
        channel.finish();
        return out;
    }

    private static List<Object> drain(EmbeddedChannel channel) {
        List<Object> out = new ArrayList<>();
        Object msg;
        while ((msg = channel.readInbound()) != null) out.add(msg);
        return out;
    }
}
