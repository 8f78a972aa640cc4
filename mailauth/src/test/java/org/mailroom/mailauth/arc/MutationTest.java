package org.mailroom.mailauth.arc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mailroom.mailauth.dkim.DkimKey;
import org.mailroom.mailauth.dkim.DkimKeys;
import org.mailroom.mailauth.dkim.DkimSigner;
import org.mailroom.mailauth.dkim.DkimVerdict;
import org.mailroom.mailauth.dkim.DkimVerifier;
import org.mailroom.mailauth.testing.MemoryDns;

/**
 * A DKIM-signed and ARC-sealed message damaged at random (octets changed, inserted, deleted, cut short) many
 * times: the verifiers always answer, never throw. The seed is fixed so that a failure can be replayed.
 */
class MutationTest {

    @Test
    void randomDamageNeverThrows() throws Exception {
        var pair = DkimKeys.generate(DkimKey.Algorithm.ED25519_SHA256);
        DkimKey author = new DkimKey("example.org", "ed", DkimKey.Algorithm.ED25519_SHA256, pair.getPrivate());
        String signed = new DkimSigner(ArcFixtures.CLOCK).sign(ArcFixtures.stream(ArcFixtures.MESSAGE), List.of(author))
                + ArcFixtures.MESSAGE;
        String sealed = ArcFixtures.seal(signed, ArcFixtures.FIRST, "mx.lists.example.net");
        MemoryDns zone = ArcFixtures.zone().txt("ed._domainkey.example.org", DkimKeys.publicKeyRecord(pair.getPublic()));
        DkimVerifier dkim = new DkimVerifier(zone, ArcFixtures.CLOCK);
        ArcVerifier arc = new ArcVerifier(zone, ArcFixtures.CLOCK);
        byte[] original = sealed.getBytes(StandardCharsets.ISO_8859_1);
        byte[] alphabet = ";=: \t\r\n\u00ffabAB0/+-".getBytes(StandardCharsets.ISO_8859_1);
        Random random = new Random(13);
        int answered = 0;
        for (int round = 0; round < 800; round++) {
            byte[] damaged = original.clone();
            int at = random.nextInt(damaged.length);
            switch (round % 4) {
                case 0 -> damaged[at] = alphabet[random.nextInt(alphabet.length)];
                case 1 -> damaged = splice(damaged, at, 0, alphabet[random.nextInt(alphabet.length)]);
                case 2 -> damaged = splice(damaged, at, 1 + random.nextInt(20), null);
                default -> damaged = java.util.Arrays.copyOf(damaged, at);
            }
            String text = new String(damaged, StandardCharsets.ISO_8859_1);
            List<DkimVerdict> verdicts = dkim.verify(ArcFixtures.stream(text));
            ArcVerdict chain = arc.verify(ArcFixtures.stream(text));
            assertThat(verdicts).isNotNull();
            assertThat(chain).isNotNull();
            answered++;
        }
        assertThat(answered).isEqualTo(800);
    }

    private static byte[] splice(byte[] b, int at, int remove, Byte insert) {
        int end = Math.min(b.length, at + remove);
        byte[] ins = insert == null ? new byte[0] : new byte[] {insert};
        byte[] r = new byte[b.length - (end - at) + ins.length];
        System.arraycopy(b, 0, r, 0, at);
        System.arraycopy(ins, 0, r, at, ins.length);
        System.arraycopy(b, end, r, at + ins.length, b.length - end);
        return r;
    }
}
