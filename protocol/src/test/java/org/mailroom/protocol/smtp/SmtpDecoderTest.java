package org.mailroom.protocol.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The decoder without sockets. Every input is also fed split at every byte boundary: a decoder that
 * keeps state across reads must give the same result however TCP cuts the stream.
 */
class SmtpDecoderTest {

    /** What came out, with data chunks joined, in a form easy to compare. */
    private static List<String> decode(String input, int splitAt, long maxSize) {
        return decode(input, splitAt, maxSize, false);
    }

    private static List<String> decode(String input, int splitAt, long maxSize, boolean normalize) {
        SmtpDecoder decoder = new SmtpDecoder(512, 1000, normalize);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        decoder.resume(SmtpDecoder.Mode.COMMAND);
        ch.runPendingTasks();
        byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
        List<String> out = new ArrayList<>();
        StringBuilder data = new StringBuilder();
        int[] cuts = splitAt <= 0 || splitAt >= bytes.length ? new int[] {bytes.length}
                                                              : new int[] {splitAt, bytes.length};
        int from = 0;
        for (int cut : cuts) {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, from, cut - from));
            from = cut;
            drain(ch, decoder, out, data, maxSize);
        }
        ch.finishAndReleaseAll();
        return out;
    }

    /** Plays the session: answers each command by resuming, DATA by reading data. */
    private static void drain(EmbeddedChannel ch, SmtpDecoder decoder, List<String> out, StringBuilder data,
                              long maxSize) {
        Object msg;
        while (true) {
            ch.runPendingTasks();
            msg = ch.readInbound();
            if (msg == null) return;
            if (msg instanceof SmtpInput.CommandLine) {
                String text = ((SmtpInput.CommandLine) msg).text();
                out.add("C:" + text);
                if (((SmtpInput.CommandLine) msg).followedByMore()) out.add("MORE");
                if (text.startsWith("BDAT ")) {
                    decoder.resume(SmtpDecoder.Mode.BDAT, Long.parseLong(text.split(" ")[1]));
                } else {
                    boolean isData = text.equalsIgnoreCase("DATA");
                    decoder.resume(isData ? SmtpDecoder.Mode.DATA : SmtpDecoder.Mode.COMMAND, maxSize);
                }
            } else if (msg instanceof SmtpInput.CommandTooLong) {
                out.add("TOO LONG");
                decoder.resume(SmtpDecoder.Mode.COMMAND);
            } else if (msg instanceof SmtpInput.DataChunk) {
                ByteBuf content = ((SmtpInput.DataChunk) msg).content();
                data.append(content.toString(StandardCharsets.ISO_8859_1));
                content.release();
            } else if (msg instanceof SmtpInput.ChunkEnd) {
                out.add("CHUNK:" + data);
                data.setLength(0);
                decoder.resume(SmtpDecoder.Mode.COMMAND);
            } else if (msg instanceof SmtpInput.DataEnd) {
                SmtpInput.DataEnd end = (SmtpInput.DataEnd) msg;
                out.add("D:" + data + "|size=" + end.size() + (end.tooBig() ? " tooBig" : "")
                        + (end.longLine() ? " longLine" : "") + (end.bareLineEnding() ? " bare" : ""));
                data.setLength(0);
                decoder.resume(SmtpDecoder.Mode.COMMAND);
            }
        }
    }

    /**
     * Decodes whole and at every split point, asserting all give the same (but for where the "more bytes
     * behind this command" flag is seen, which depends on the split), and returns the whole one.
     */
    private static List<String> decodeEverySplit(String input, long maxSize) {
        return decodeEverySplit(input, maxSize, false);
    }

    private static List<String> decodeEverySplit(String input, long maxSize, boolean normalize) {
        List<String> whole = decode(input, 0, maxSize, normalize);
        List<String> withoutMore = whole.stream().filter(l -> !l.equals("MORE")).toList();
        for (int i = 1; i < input.length(); i++) {
            assertThat(decode(input, i, maxSize, normalize).stream().filter(l -> !l.equals("MORE")).toList())
                    .as("split at %d", i).isEqualTo(withoutMore);
        }
        return withoutMore;
    }

    @Test
    void pipelinedCommandsComeOutOneByOne() {
        assertThat(decodeEverySplit("EHLO a.test\r\nMAIL FROM:<a@a.test>\r\nRCPT TO:<b@b.test>\r\nNOOP\n", 1000))
                .containsExactly("C:EHLO a.test", "C:MAIL FROM:<a@a.test>", "C:RCPT TO:<b@b.test>", "C:NOOP");
    }

    @Test
    void dataIsUnstuffedAndEndsAtCrLfDotCrLf() {
        String input = "DATA\r\nSubject: x\r\nReceived: a\r\nreceived: b\r\n\r\nReceived: body\r\n..dot\r\n.\r\nQUIT\r\n";
        assertThat(decodeEverySplit(input, 1000)).containsExactly(
                "C:DATA",
                "D:Subject: x\r\nReceived: a\r\nreceived: b\r\n\r\nReceived: body\r\n.dot\r\n|size=62",
                "C:QUIT");
    }

    @Test
    void emptyMessageEndsAtOnce() {
        assertThat(decodeEverySplit("DATA\r\n.\r\nNOOP\r\n", 1000)).containsExactly("C:DATA", "D:|size=0", "C:NOOP");
    }

    /** CVE-2023-51764 and relatives: none of these may end the data, so no second message can follow. */
    @Test
    void smugglingSequencesNeverEndTheData() {
        String[] sequences = {"\n.\n", "\n.\r", "\r.\n", "\r.\r", "\n.\r\n", "\r.\r\n", "\r\n.\n", "\r\n.\r",
                              "\r\n\0.\r\n", "\r\n.\0\r\n", "\r\n.\r\r\n", "\r\r\n.\r\r\n"};
        int tried = 0;
        for (String seq : sequences) {
            for (String smuggled : new String[] {"MAIL FROM:<evil@x.test>", "mail from:<evil@x.test>"}) {
                String input = "DATA\r\nSubject: s\r\n\r\nbody" + seq + smuggled + "\r\nRCPT TO:<v@y.test>\r\nDATA\r\n"
                        + "smuggled\r\n\r\n.\r\nQUIT\r\n";
                List<String> out = decodeEverySplit(input, 100_000);
                assertThat(out).as("sequence %s", seq.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0"))
                        .hasSize(3).first().isEqualTo("C:DATA");
                assertThat(out.get(1)).startsWith("D:");
                assertThat(out.get(2)).isEqualTo("C:QUIT");
                boolean hasBareEnding = !seq.contains("\0");
                assertThat(out.get(1).contains(" bare")).as("bare flag for %s", seq.replace("\r", "\\r").replace("\n", "\\n"))
                        .isEqualTo(hasBareEnding);
                tried++;
            }
        }
        System.out.println("smuggling sequences tried: " + tried);
        assertThat(tried).isEqualTo(24);
    }

    @Test
    void longCommandLineIsReportedAndTheNextCommandStillWorks() {
        String input = "MAIL FROM:<" + "a".repeat(600) + "@x.test>\r\nNOOP\r\n";
        assertThat(decodeEverySplit(input, 1000)).containsExactly("TOO LONG", "C:NOOP");
    }

    @Test
    void longTextLineIsDiscardedAndReported() {
        String input = "DATA\r\nshort\r\n" + "x".repeat(1500) + "\r\nafter\r\n.\r\nNOOP\r\n";
        List<String> out = decode(input, 0, 100_000).stream().filter(l -> !l.equals("MORE")).toList();
        assertThat(out).hasSize(3);
        assertThat(out.get(1)).startsWith("D:short\r\nafter\r\n|").contains("longLine");
        assertThat(out.get(2)).isEqualTo("C:NOOP");
        for (int i = 1; i < input.length(); i += 7) {
            assertThat(decode(input, i, 100_000).stream().filter(l -> !l.equals("MORE")).toList()).isEqualTo(out);
        }
    }

    @Test
    void messageOverTheSizeLimitIsReportedNotBuffered() {
        String input = "DATA\r\n" + "0123456789\r\n".repeat(100) + ".\r\nNOOP\r\n";
        List<String> out = decodeEverySplit(input, 500);
        assertThat(out.get(1)).contains("tooBig").contains("size=1200");
        assertThat(out.get(1).indexOf('|')).isLessThanOrEqualTo(2 + 500);
        assertThat(out.get(2)).isEqualTo("C:NOOP");
    }

    @Test
    void bdatChunksPassExactlyTheAnnouncedOctets() {
        String input = "BDAT 7\r\nab\r\n.\r\nBDAT 5 LAST\r\n\n.\n\rxNOOP\r\n";
        assertThat(decodeEverySplit(input, 1000)).containsExactly(
                "C:BDAT 7", "CHUNK:ab\r\n.\r\n", "C:BDAT 5 LAST", "CHUNK:\n.\n\rx", "C:NOOP");
    }

    @Test
    void normalizingStoresBareLineEndingsAsCrLfAndStillNeverEndsEarly() {
        String input = "DATA\r\nSubject: s\r\n\r\nbody\n.\nMAIL FROM:<e@x.test>\r\nbare\rcr\r\n.\r\nQUIT\r\n";
        assertThat(decodeEverySplit(input, 100_000, true)).containsExactly("C:DATA",
                "D:Subject: s\r\n\r\nbody\r\n\r\nMAIL FROM:<e@x.test>\r\nbare\r\ncr\r\n|size=51", "C:QUIT");
    }

    @Test
    void commandsWithBytesBehindThemAreMarked() {
        assertThat(decode("EHLO a.test\r\nMAIL FROM:<a@a.test>\r\nNOOP\r\n", 0, 1000))
                .containsExactly("C:EHLO a.test", "MORE", "C:MAIL FROM:<a@a.test>", "MORE", "C:NOOP");
    }

    @Test
    void clientTalkingBeforeTheGreetingIsReported() {
        SmtpDecoder decoder = new SmtpDecoder(512, 1000, false);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        ch.writeInbound(Unpooled.copiedBuffer("EHLO early.test\r\n", StandardCharsets.US_ASCII));
        decoder.greet(Unpooled.copiedBuffer("220 hi\r\n", StandardCharsets.US_ASCII));
        ch.runPendingTasks();
        assertThat((Object) ch.readInbound()).isInstanceOf(SmtpInput.EarlyTalker.class);
        assertThat((Object) ch.readOutbound()).as("no greeting for an early talker").isNull();
        ch.finishAndReleaseAll();
    }

    @Test
    void pausedDecoderStopsReadingWhenTooMuchWaits() {
        SmtpDecoder decoder = new SmtpDecoder(512, 1000, false);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        decoder.resume(SmtpDecoder.Mode.COMMAND);
        ch.runPendingTasks();
        ch.writeInbound(Unpooled.copiedBuffer("NOOP\r\n".repeat(20_000), StandardCharsets.US_ASCII));
        assertThat(ch.config().isAutoRead()).isFalse();
        assertThat((Object) ch.readInbound()).isInstanceOf(SmtpInput.CommandLine.class);
        assertThat(decoder.bufferedBytes()).isEqualTo(6 * 19_999);
        decoder.resume(SmtpDecoder.Mode.COMMAND);
        ch.runPendingTasks();
        // One more command comes out; with more than the limit still waiting, reading stays off.
        assertThat((Object) ch.readInbound()).isInstanceOf(SmtpInput.CommandLine.class);
        assertThat(decoder.bufferedBytes()).isEqualTo(6 * 19_998);
        assertThat(ch.config().isAutoRead()).isFalse();
        ch.finishAndReleaseAll();
    }
}
