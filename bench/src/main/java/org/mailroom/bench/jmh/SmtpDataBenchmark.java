package org.mailroom.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import org.mailroom.bench.Corpus;
import org.mailroom.protocol.smtp.SmtpDecoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * DATA through {@link SmtpDecoder} in an {@link EmbeddedChannel}: line splitting, dot-unstuffing, the
 * bare-CR/LF check and the Received count, for one corpus message (dot-stuffed, with its final dot line)
 * arriving in 16 KiB reads as a socket would hand it over. Reports time per message; divide the size by it
 * for octets per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SmtpDataBenchmark {

    private static final int READ_SIZE = 16 * 1024;

    @Param({"4096", "65536", "1048576"})
    public int size;

    private byte[] wire;
    private SmtpDecoder decoder;
    private EmbeddedChannel channel;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] stuffed = Corpus.dotStuffed(new Corpus(1, size).message(0));
        wire = new byte[stuffed.length + 3];
        System.arraycopy(stuffed, 0, wire, 0, stuffed.length);
        wire[stuffed.length] = '.';
        wire[stuffed.length + 1] = '\r';
        wire[stuffed.length + 2] = '\n';
        decoder = new SmtpDecoder(512, 1000, false);
        channel = new EmbeddedChannel(decoder);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
    }

    /** One message: resume DATA (as the session does after 354), feed the reads, drain and count outputs. */
    @Benchmark
    public int message() {
        decoder.resume(SmtpDecoder.Mode.DATA, Long.MAX_VALUE);
        channel.runPendingTasks();
        int outputs = 0;
        for (int off = 0; off < wire.length; off += READ_SIZE) {
            ByteBuf read = Unpooled.wrappedBuffer(wire, off, Math.min(READ_SIZE, wire.length - off));
            channel.writeInbound(read);
            Object o;
            while ((o = channel.readInbound()) != null) {
                outputs++;
                ReferenceCountUtil.release(o);
            }
        }
        return outputs;
    }
}
