package org.mailroom.protocol.managesieve;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailroom.protocol.managesieve.ManageSieveDecoder.Command;
import org.mailroom.protocol.managesieve.ManageSieveDecoder.Signal;

/** Framing of lines and literals without sockets, with the input split at every byte boundary. */
class ManageSieveDecoderTest {

    private static final String INPUT = "NOOP\r\n"
            + "PUTSCRIPT \"a\" {7+}\r\nkeep;\r\n\r\n"
            + "PUTSCRIPT {1}\r\nb {3+}\r\nx\ny\r\n"
            + "PUTSCRIPT \"big\" {20+}\r\n" + "z".repeat(20) + " trailing\r\n"
            + "LONG " + "y".repeat(100) + "\r\n"
            + "CAPABILITY\n";

    private static List<Object> decode(List<byte[]> chunks) {
        EmbeddedChannel channel = new EmbeddedChannel(new ManageSieveDecoder(64, 10, 100));
        for (byte[] chunk : chunks) channel.writeInbound(Unpooled.wrappedBuffer(chunk));
        List<Object> out = new ArrayList<>();
        Object next;
        while ((next = channel.readInbound()) != null) out.add(next);
        channel.finishAndReleaseAll();
        return out;
    }

    private static String show(List<Object> decoded) {
        StringBuilder out = new StringBuilder();
        for (Object o : decoded) {
            if (o instanceof Command c) {
                out.append(c.text());
                for (byte[] literal : c.literals()) out.append('<').append(new String(literal, StandardCharsets.UTF_8)).append('>');
            } else {
                out.append(o);
            }
            out.append('|');
        }
        return out.toString();
    }

    @Test
    void linesLiteralsAndLimitsAtEveryBoundary() {
        byte[] bytes = INPUT.getBytes(StandardCharsets.UTF_8);
        String whole = show(decode(List.of(bytes)));
        assertThat(whole).isEqualTo("[NOOP]|[PUTSCRIPT \"a\" , ]<keep;\r\n>|[PUTSCRIPT ,  , ]<b><x\ny>|"
                + Signal.LITERAL_TOO_BIG + "|" + Signal.LINE_TOO_LONG + "|[CAPABILITY]|");
        for (int cut = 1; cut < bytes.length; cut++) {
            byte[] first = java.util.Arrays.copyOfRange(bytes, 0, cut);
            byte[] second = java.util.Arrays.copyOfRange(bytes, cut, bytes.length);
            assertThat(show(decode(List.of(first, second)))).as("split at " + cut).isEqualTo(whole);
        }
    }

    @Test
    void aLiteralOverTheDiscardBoundStopsDecoding() {
        List<Object> out = decode(List.of("PUTSCRIPT \"x\" {101+}\r\nNOOP\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(out).containsExactly(Signal.LITERAL_TOO_BIG_TO_READ);
    }

    @Test
    void literalMarkersAreOnlyAtTheEndOfALine() {
        assertThat(ManageSieveDecoder.literalMarker("PUTSCRIPT \"a\" {12+}")).isEqualTo(14);
        assertThat(ManageSieveDecoder.literalMarker("X {12}")).isEqualTo(2);
        assertThat(ManageSieveDecoder.literalMarker("X {12} ")).isEqualTo(-1);
        assertThat(ManageSieveDecoder.literalMarker("X {+}")).isEqualTo(-1);
        assertThat(ManageSieveDecoder.literalMarker("X {a}")).isEqualTo(-1);
        assertThat(ManageSieveDecoder.literalMarker("}")).isEqualTo(-1);
    }
}
