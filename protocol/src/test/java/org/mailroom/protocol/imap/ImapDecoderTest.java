package org.mailroom.protocol.imap;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImapDecoderTest {

    private static final String CONVERSATION = "a1 LOGIN {5}\r\nalice {6+}\r\nsecret\r\n"
            + "a2 APPEND INBOX (\\Seen) {12}\r\nHello\r\nWorld\r\n"
            + "a3 FETCH 1:* (BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.100>)\r\n"
            + "a4 SEARCH OR (FROM \"a b\" NOT SEEN) ~{3}\r\nx\0y\r\n"
            + "DONE\n";

    private static final List<String> EXPECTED = List.of(
            "a1 LOGIN {5}\r\nalice {6+}\r\nsecret",
            "a2 APPEND INBOX (\\Seen) {12}\r\nHello\r\nWorld",
            "a3 FETCH 1:* (BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.100>)",
            "a4 SEARCH OR (FROM \"a b\" NOT SEEN) ~{3}\r\nx\0y",
            "DONE");

    private static EmbeddedChannel channel() {
        ImapDecoder decoder = new ImapDecoder(200, 1000);
        decoder.loggedIn();
        return new EmbeddedChannel(decoder);
    }

    private static List<Object> feed(EmbeddedChannel ch, byte[] bytes, int... cuts) {
        int from = 0;
        for (int cut : cuts) {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, from, cut - from));
            from = cut;
        }
        ch.writeInbound(Unpooled.wrappedBuffer(bytes, from, bytes.length - from));
        List<Object> out = new ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) out.add(o);
        return out;
    }

    private static List<String> texts(List<Object> out) {
        return out.stream().map(Object::toString).toList();
    }

    private static String written(EmbeddedChannel ch) {
        StringBuilder s = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            s.append(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }
        return s.toString();
    }

    @Test
    void commandsWithLiteralsAtEveryByteBoundary() {
        byte[] bytes = CONVERSATION.getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= bytes.length; cut++) {
            EmbeddedChannel ch = channel();
            assertThat(texts(feed(ch, bytes, cut))).as("cut at %d", cut).isEqualTo(EXPECTED);
            // The three synchronizing literals ({5}, {12}, ~{3}) get a continuation request; {6+} does not.
            assertThat(written(ch)).isEqualTo("+ Ready for literal data\r\n".repeat(3));
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void commandsWithLiteralsInRandomChunks() {
        byte[] bytes = CONVERSATION.getBytes(StandardCharsets.UTF_8);
        Random random = new Random(20261129);
        for (int round = 0; round < 500; round++) {
            EmbeddedChannel ch = channel();
            List<Object> out = new ArrayList<>();
            int pos = 0;
            while (pos < bytes.length) {
                int n = Math.min(bytes.length - pos, 1 + random.nextInt(12));
                ch.writeInbound(Unpooled.wrappedBuffer(bytes, pos, n));
                pos += n;
                Object o;
                while ((o = ch.readInbound()) != null) out.add(o);
            }
            assertThat(texts(out)).isEqualTo(EXPECTED);
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void tooLongLineIsRefusedWithItsTagAndTheNextCommandWorks() {
        EmbeddedChannel ch = channel();
        String input = "x1 NOOP " + "a".repeat(300) + "\r\nx2 NOOP\r\n";
        byte[] bytes = input.getBytes(StandardCharsets.US_ASCII);
        for (int cut = 0; cut <= bytes.length; cut += 7) {
            EmbeddedChannel c = channel();
            List<Object> out = feed(c, bytes, cut);
            assertThat(out).hasSize(2);
            assertThat(out.get(0)).isInstanceOf(ImapDecoder.Refused.class);
            assertThat(((ImapDecoder.Refused) out.get(0)).tag()).isEqualTo("x1");
            assertThat(out.get(1).toString()).isEqualTo("x2 NOOP");
            c.finishAndReleaseAll();
        }
        ch.finishAndReleaseAll();
    }

    @Test
    void tooBigSynchronizingLiteralIsRefusedWithoutContinuation() {
        EmbeddedChannel ch = channel();
        List<Object> out = feed(ch, "t1 APPEND INBOX {5000}\r\nt2 NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(out).hasSize(2);
        assertThat(((ImapDecoder.Refused) out.get(0)).tag()).isEqualTo("t1");
        assertThat(((ImapDecoder.Refused) out.get(0)).reason()).contains("TOOBIG");
        assertThat(out.get(1).toString()).isEqualTo("t2 NOOP");
        assertThat(written(ch)).isEmpty();
        ch.finishAndReleaseAll();
    }

    @Test
    void tooBigNonSynchronizingLiteralIsReadAndDiscarded() {
        String big = "z".repeat(1500);
        byte[] bytes = ("t1 APPEND INBOX {1500+}\r\n" + big + " {3+}\r\nabc\r\nt2 NOOP\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        for (int cut = 0; cut <= bytes.length; cut += 13) {
            EmbeddedChannel ch = channel();
            List<Object> out = feed(ch, bytes, cut);
            assertThat(out).as("cut %d", cut).hasSize(2);
            assertThat(((ImapDecoder.Refused) out.get(0)).tag()).isEqualTo("t1");
            assertThat(out.get(1).toString()).isEqualTo("t2 NOOP");
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void zeroLengthLiteralAndBareLineFeed() {
        EmbeddedChannel ch = channel();
        List<Object> out = feed(ch, "a LOGIN {0}\r\n {0+}\n\na NOOP\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(texts(out)).containsExactly("a LOGIN {0}\r\n {0+}\r\n", "a NOOP");
        ch.finishAndReleaseAll();
    }

    @Test
    void beforeLoginLiteralsAreSmall() {
        ImapDecoder decoder = new ImapDecoder(200, 100_000);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        List<Object> out = feed(ch, "a LOGIN {9000}\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(((ImapDecoder.Refused) out.get(0)).reason()).contains("at most 8192");
        decoder.loggedIn();
        out = feed(ch, "b APPEND INBOX {9000}\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(out).isEmpty();
        assertThat(written(ch)).isEqualTo("+ Ready for literal data\r\n");
        ch.finishAndReleaseAll();
    }

    @Test
    void stopsAfterStartTlsUntilResumed() {
        ImapDecoder decoder = new ImapDecoder(200, 1000);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        byte[] bytes = "a STARTTLS\r\nb LOGIN alice secret\r\n".getBytes(StandardCharsets.US_ASCII);
        // Cut inside the STARTTLS line too: the pause must hold whatever the reads look like.
        assertThat(texts(feed(ch, bytes, 4))).containsExactly("a STARTTLS");
        assertThat(decoder.mode()).isEqualTo(ImapDecoder.Mode.AWAIT_TLS);
        assertThat(decoder.bufferedBytes()).isEqualTo("b LOGIN alice secret\r\n".length());
        // A refused STARTTLS: the session resumes, and what waited is decoded in plain text as before.
        decoder.resume();
        List<Object> rest = new ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) rest.add(o);
        assertThat(texts(rest)).containsExactly("b LOGIN alice secret");
        assertThat(decoder.bufferedBytes()).isZero();
    }

    @Test
    void recognisesOnlyTheStartTlsCommandItself() {
        assertThat(ImapDecoder.isStartTls(bytes("a1 STARTTLS"))).isTrue();
        assertThat(ImapDecoder.isStartTls(bytes(". starttls"))).isTrue();
        assertThat(ImapDecoder.isStartTls(bytes("a1 STARTTLS now"))).isFalse();
        assertThat(ImapDecoder.isStartTls(bytes("STARTTLS"))).isFalse();
        assertThat(ImapDecoder.isStartTls(bytes("a1 NOOP"))).isFalse();
        ImapDecoder decoder = new ImapDecoder(200, 1000);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        assertThat(texts(feed(ch, bytes("a1 NOOP STARTTLS\r\na2 NOOP\r\n")))).hasSize(2);
        assertThat(decoder.mode()).isEqualTo(ImapDecoder.Mode.LINE);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
