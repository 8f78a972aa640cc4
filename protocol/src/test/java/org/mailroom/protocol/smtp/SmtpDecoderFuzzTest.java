package org.mailroom.protocol.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Jazzer fuzzing of the SMTP decoder in all its modes. Plain {@code mvn verify} runs the saved inputs under
 * src/test/resources/.../SmtpDecoderFuzzTestInputs/ (regression mode); {@code JAZZER_FUZZ=1 mvn test
 * -Dtest=SmtpDecoderFuzzTest -pl protocol -am} fuzzes for new ones.
 *
 * <p>The input is cut into chunks of fuzzer-chosen sizes; a simulated session answers each command the way
 * SmtpSession does (DATA starts data, BDAT n reads n octets). Checked: no exception, every buffer released,
 * no data reported without a DATA or BDAT first, and the decoder never holds more than its limits allow.
 */
class SmtpDecoderFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void decoder(FuzzedDataProvider data) {
        boolean normalize = data.consumeBoolean();
        SmtpDecoder decoder = new SmtpDecoder(512, 1000, normalize);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        decoder.resume(SmtpDecoder.Mode.COMMAND);
        ch.runPendingTasks();
        boolean inMessage = false;
        while (data.remainingBytes() > 0) {
            int size = data.consumeInt(1, 700);
            byte[] chunk = data.consumeBytes(size);
            ch.writeInbound(Unpooled.wrappedBuffer(chunk));
            Object msg;
            while (true) {
                ch.runPendingTasks();
                msg = ch.readInbound();
                if (msg == null) break;
                if (msg instanceof SmtpInput.CommandLine) {
                    String text = ((SmtpInput.CommandLine) msg).text();
                    assertThat(text).doesNotContain("\n");
                    if (text.equalsIgnoreCase("DATA")) {
                        inMessage = true;
                        decoder.resume(SmtpDecoder.Mode.DATA, 10_000);
                    } else if (text.matches("BDAT [0-9]{1,6}")) {
                        inMessage = true;
                        long n = Long.parseLong(text.substring(5));
                        if (n == 0) {
                            inMessage = false;
                            decoder.resume(SmtpDecoder.Mode.COMMAND);
                        } else {
                            decoder.resume(SmtpDecoder.Mode.BDAT, n);
                        }
                    } else {
                        decoder.resume(SmtpDecoder.Mode.COMMAND);
                    }
                } else if (msg instanceof SmtpInput.CommandTooLong) {
                    decoder.resume(SmtpDecoder.Mode.COMMAND);
                } else if (msg instanceof SmtpInput.DataChunk) {
                    assertThat(inMessage).as("data only inside a message").isTrue();
                    ByteBuf content = ((SmtpInput.DataChunk) msg).content();
                    content.release();
                } else if (msg instanceof SmtpInput.DataEnd || msg instanceof SmtpInput.ChunkEnd) {
                    assertThat(inMessage).as("end only inside a message").isTrue();
                    inMessage = false;
                    decoder.resume(SmtpDecoder.Mode.COMMAND);
                }
            }
            // Paused or reading, the decoder never holds more than a line limit plus what waits while paused.
            assertThat(decoder.bufferedBytes()).isLessThanOrEqualTo(SmtpDecoder.PAUSED_BUFFER_LIMIT + 1_000);
        }
        ch.finishAndReleaseAll();
    }
}
