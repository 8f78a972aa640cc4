package org.mailroom.mailauth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailroom.mailauth.testing.MemoryDns;

/**
 * The CPU cost of signing and verifying a 4 KiB message with each algorithm, printed to the test log as CPU time of the test's thread (wall time is shown too but depends on the load)
 * (target/surefire-reports/*DkimCostTest-output.txt) for docs/performance.md. Not a benchmark: a quick loop
 * after a warm-up, on whatever else the machine is doing.
 */
class DkimCostTest {

    @Test
    void signAndVerifyA4KiBMessage() throws IOException {
        StringBuilder body = new StringBuilder();
        while (body.length() < 4096 - DkimFixtures.MESSAGE.length()) {
            body.append("Some text of a typical mail message, seventy-odd characters long, ok.\r\n");
        }
        String message = DkimFixtures.MESSAGE + body;
        MemoryDns zone = DkimFixtures.zone();
        for (DkimKey key : List.of(DkimFixtures.RSA, DkimFixtures.ED)) {
            DkimSigner signer = new DkimSigner(DkimFixtures.CLOCK);
            DkimVerifier verifier = new DkimVerifier(zone, DkimFixtures.CLOCK);
            String signed = "";
            for (int i = 0; i < 100; i++) { // warm-up
                signed = signer.sign(DkimFixtures.stream(message), List.of(key)) + message;
                verifier.verify(DkimFixtures.stream(signed));
            }
            int rounds = 100;
            java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
            long w0 = System.nanoTime();
            long t0 = cpu.getCurrentThreadCpuTime();
            for (int i = 0; i < rounds; i++) {
                signer.sign(DkimFixtures.stream(message), List.of(key));
            }
            long t1 = cpu.getCurrentThreadCpuTime();
            long w1 = System.nanoTime();
            List<DkimVerdict> last = null;
            for (int i = 0; i < rounds; i++) {
                last = verifier.verify(DkimFixtures.stream(signed));
            }
            long t2 = cpu.getCurrentThreadCpuTime();
            long w2 = System.nanoTime();
            assertThat(last).extracting(DkimVerdict::result).containsExactly(DkimVerdict.Result.PASS);
            System.out.printf("DKIM %s, %d-octet message: sign %.3f ms CPU (%.3f wall), verify %.3f ms CPU (%.3f wall);"
                    + " mean of %d, warm, test's thread only%n", key.algorithm().tag(), message.length(),
                    (t1 - t0) / 1e6 / rounds, (w1 - w0) / 1e6 / rounds, (t2 - t1) / 1e6 / rounds, (w2 - w1) / 1e6 / rounds, rounds);
        }
    }
}
