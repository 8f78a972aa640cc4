package org.mailroom.protocol.imap;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * Jazzer fuzzing of the IMAP decoder and the generic argument parser together: bytes cut into chunks of
 * fuzzer-chosen sizes go through {@link ImapDecoder}; every command that comes out is parsed by
 * {@link ImapParser}, its sequence sets by {@link SequenceSet}. Regression mode ({@code mvn verify}) runs the
 * saved inputs under src/test/resources/.../ImapParserFuzzTestInputs/; {@code JAZZER_FUZZ=1} searches for more.
 *
 * <p>Checked: the only failure is {@link BadCommandException} (a BAD reply), never another exception, and no
 * command is larger than the decoder's limits.
 */
class ImapParserFuzzTest {

    private static final int MAX_LINE = 1_000;
    private static final long MAX_LITERAL = 4_096;

    @FuzzTest(maxDuration = "30s")
    void decoderAndParser(FuzzedDataProvider data) {
        ImapDecoder decoder = new ImapDecoder(MAX_LINE, MAX_LITERAL);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        if (data.consumeBoolean()) decoder.loggedIn();
        while (data.remainingBytes() > 0) {
            byte[] chunk = data.consumeBytes(data.consumeInt(1, 600));
            ch.writeInbound(Unpooled.wrappedBuffer(chunk));
            Object msg;
            while ((msg = ch.readInbound()) != null) {
                if (msg instanceof ImapDecoder.Command) {
                    byte[] bytes = ((ImapDecoder.Command) msg).bytes();
                    assertThat((long) bytes.length).isLessThanOrEqualTo(MAX_LITERAL + 8L * MAX_LINE);
                    parse(bytes);
                }
                ReferenceCountUtil.release(msg);
            }
            ch.releaseOutbound(); // "+ Ready for literal data"
        }
        ch.finishAndReleaseAll();
    }

    private static void parse(byte[] bytes) {
        try {
            ImapParser.Parsed parsed = ImapParser.parse(bytes);
            for (ImapValue value : parsed.arguments()) {
                String text = value.toString();
                if (SequenceSet.looksLikeOne(text)) SequenceSet.parse(text);
            }
        } catch (BadCommandException expected) {
            // A clean BAD is the right answer to bad input.
        }
    }
}
