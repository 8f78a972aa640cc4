package org.mailroom.mailauth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mailroom.mailauth.testing.MemoryDns;

/**
 * A 30 MiB message is signed and verified as a stream: run in a JVM whose heap (24 MiB) could not hold it, so the
 * test fails with OutOfMemoryError if any part of the code keeps the body.
 */
class DkimLargeMessageTest {

    static final long BODY_BYTES = 30L << 20;
    static final String HEADER = "From: big@example.org\r\nTo: x@example.net\r\nSubject: attachment\r\n\r\n";

    @Test
    void thirtyMebibytesAreStreamedInASmallHeap() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-Xmx24m", "-cp", System.getProperty("java.class.path"),
                DkimLargeMessageTest.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(output).as(output).contains("verdicts: PASS PASS FAIL");
        assertThat(process.exitValue()).isZero();
    }

    /** Run in the small JVM: sign, verify, verify with one octet changed near the end. */
    public static void main(String[] args) throws IOException {
        MemoryDns zone = DkimFixtures.zone();
        String fields = new DkimSigner(DkimFixtures.CLOCK).sign(message(-1), List.of(DkimFixtures.RSA, DkimFixtures.ED));
        DkimVerifier verifier = new DkimVerifier(zone, DkimFixtures.CLOCK);
        StringBuilder out = new StringBuilder("verdicts:");
        for (DkimVerdict v : verifier.verify(new SequenceInputStream(stream(fields), message(-1)))) {
            out.append(' ').append(v.result());
        }
        List<DkimVerdict> tampered = verifier.verify(new SequenceInputStream(stream(fields), message(BODY_BYTES - 100)));
        out.append(' ').append(tampered.get(0).result());
        System.out.println(out);
    }

    private static InputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The header and a generated body of {@link #BODY_BYTES}; the octet at {@code flip} (if not -1) differs. */
    static InputStream message(long flip) {
        InputStream body = new InputStream() {
            private final byte[] block = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ =-+/\r\n"
                    .repeat(936).getBytes(StandardCharsets.US_ASCII);
            private long position;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (position >= BODY_BYTES) {
                    return -1;
                }
                int start = (int) (position % block.length);
                int n = (int) Math.min(Math.min(len, BODY_BYTES - position), block.length - start);
                System.arraycopy(block, start, b, off, n);
                if (flip >= position && flip < position + n) {
                    int i = off + (int) (flip - position);
                    b[i] = (byte) (b[i] == 'x' ? 'y' : 'x');
                }
                position += n;
                return n;
            }
        };
        return new SequenceInputStream(stream(HEADER), body);
    }
}
