package org.mailroom.mailauth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

/** RFC 6376 section 3.4.5's example, and the body canonicalizer fed in every possible split. */
class CanonicalizationTest {

    @Test
    void theRfcExampleHeaders() {
        assertThat(Canonicalization.RELAXED.header("A: X")).isEqualTo("a:X\r\n");
        assertThat(Canonicalization.RELAXED.header("B : Y\t\r\n\tZ  ")).isEqualTo("b:Y Z\r\n");
        assertThat(Canonicalization.SIMPLE.header("B : Y\t\r\n\tZ  ")).isEqualTo("B : Y\t\r\n\tZ  \r\n");
        assertThat(Canonicalization.RELAXED.header("Subject:")).isEqualTo("subject:\r\n");
    }

    @Test
    void theRfcExampleBody() throws Exception {
        String body = " C \r\nD \t E\r\n\r\n\r\n";
        assertThat(hash(Canonicalization.RELAXED, body, -1)).isEqualTo(sha256(" C\r\nD E\r\n"));
        assertThat(hash(Canonicalization.SIMPLE, body, -1)).isEqualTo(sha256(" C \r\nD \t E\r\n"));
    }

    @Test
    void emptyBodiesAndMissingFinalLineEnds() throws Exception {
        assertThat(hash(Canonicalization.SIMPLE, "", -1)).isEqualTo(sha256("\r\n"));
        assertThat(hash(Canonicalization.SIMPLE, "\r\n\r\n", -1)).isEqualTo(sha256("\r\n"));
        assertThat(hash(Canonicalization.RELAXED, "", -1)).isEqualTo(sha256(""));
        assertThat(hash(Canonicalization.RELAXED, " \r\n\t\r\n", -1)).isEqualTo(sha256(""));
        assertThat(hash(Canonicalization.SIMPLE, "abc", -1)).isEqualTo(sha256("abc\r\n"));
        assertThat(hash(Canonicalization.RELAXED, "abc  ", -1)).isEqualTo(sha256("abc\r\n"));
        assertThat(hash(Canonicalization.SIMPLE, "a\rb\r", -1)).isEqualTo(sha256("a\rb\r\r\n"));
        assertThat(hash(Canonicalization.RELAXED, "x\r\n\r\n y", 4)).isEqualTo(sha256("x\r\n\r"));
    }

    @Test
    void everySplitOfTheInputGivesTheSameHash() throws Exception {
        String body = "Hi  there,\t\r\n \r\n\r\nline\rwith bare CR \r\n\n  lf-only  \n\r\n\r\nend \t";
        for (Canonicalization c : Canonicalization.values()) {
            byte[] whole = hash(c, body, -1);
            byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
            for (int split = 0; split <= bytes.length; split++) {
                for (int split2 = split; split2 <= bytes.length; split2 += 3) {
                    BodyHasher h = new BodyHasher(c, -1);
                    h.update(bytes, 0, split);
                    h.update(bytes, split, split2 - split);
                    h.update(bytes, split2, bytes.length - split2);
                    assertThat(h.finish()).as(c + " split at " + split + "," + split2).isEqualTo(whole);
                }
            }
        }
    }

    private static byte[] hash(Canonicalization c, String body, long limit) {
        BodyHasher h = new BodyHasher(c, limit);
        byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
        h.update(bytes, 0, bytes.length);
        return h.finish();
    }

    private static byte[] sha256(String s) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
