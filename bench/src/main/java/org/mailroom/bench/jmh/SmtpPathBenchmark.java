package org.mailroom.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.mailroom.core.mail.SmtpPath;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The SMTP command-line path parser ({@link SmtpPath#parse}), as MAIL FROM and RCPT TO use it: the text
 * after {@code MAIL FROM:} with and without ESMTP parameters, a quoted local part, and a UTF-8 address.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SmtpPathBenchmark {

    @Param({
        "<alice@example.org>",
        "<bounce-1234-alice=example.org@lists.example.com> SIZE=4096 BODY=8BITMIME",
        "<\"john smith\"@example.org>",
        "<@relay.example:user@mail.example.org>",
        "<usér@exämple.org> SMTPUTF8",
    })
    public String path;

    @Benchmark
    public SmtpPath.Parsed parse() {
        return SmtpPath.parse(path, true);
    }
}
