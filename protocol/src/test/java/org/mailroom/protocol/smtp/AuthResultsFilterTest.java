package org.mailroom.protocol.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;
import org.mailroom.core.store.BlobStore;
import org.mailroom.protocol.pop3.InMemoryBlobStore;
import org.junit.jupiter.api.Test;

class AuthResultsFilterTest {

    /** The rule of RFC 8601 section 5, as the authenticator applies it: the first token is the authserv-id. */
    private static final Predicate<String> OURS = value -> value.trim().toLowerCase().startsWith("mx.ours.test");

    @Test
    void removesOnlyFieldsClaimingOurIdWithTheirContinuationLines() throws IOException {
        String in = "Received: from a\r\n"
                + "Authentication-Results: mx.ours.test;\r\n\tdkim=pass header.d=bank.test\r\n"
                + "AUTHENTICATION-RESULTS:mx.ours.test; spf=pass\r\n"
                + "Authentication-Results: mx.other.test; dkim=fail\r\n"
                + "X-Authentication-Results: mx.ours.test; kept (not the field)\r\n"
                + "Subject: hi\r\n"
                + "\r\n"
                + "Authentication-Results: mx.ours.test; in the body, kept\r\n";
        String expected = "Received: from a\r\n"
                + "Authentication-Results: mx.other.test; dkim=fail\r\n"
                + "X-Authentication-Results: mx.ours.test; kept (not the field)\r\n"
                + "Subject: hi\r\n"
                + "\r\n"
                + "Authentication-Results: mx.ours.test; in the body, kept\r\n";
        assertThat(filter(in, OURS)).isEqualTo(expected);
    }

    @Test
    void aMessageWithoutBodyOrEndingInAResultsFieldIsCopiedWhole() throws IOException {
        assertThat(filter("Subject: x\r\nAuthentication-Results: mx.other.test; none", OURS))
                .isEqualTo("Subject: x\r\nAuthentication-Results: mx.other.test; none");
        assertThat(filter("Subject: x\r\nAuthentication-Results: mx.ours.test; none\r\n", OURS))
                .isEqualTo("Subject: x\r\n");
        assertThat(filter("", OURS)).isEmpty();
    }

    @Test
    void longFieldsAndLinesStayBoundedAndIntact() throws IOException {
        String huge = "x".repeat(3 * AuthResultsFilter.MAX_PIECE + 17);
        String other = "Authentication-Results: mx.other.test; dkim=pass\r\n\t" + huge + "\r\n";
        String ours = "Authentication-Results: mx.ours.test; dkim=pass\r\n\t" + huge + "\r\n\tmore\r\n";
        String body = huge + "\r\n";
        String in = "X-Long: " + huge + "\r\n" + other + ours + "Subject: s\r\n\r\n" + body;
        assertThat(filter(in, OURS)).isEqualTo("X-Long: " + huge + "\r\n" + other + "Subject: s\r\n\r\n" + body);
    }

    @Test
    void aPredicateThatThrowsRemovesTheField() throws IOException {
        Predicate<String> broken = value -> {
            throw new IllegalStateException("bug");
        };
        assertThat(filter("Authentication-Results: x; none\r\nSubject: s\r\n\r\nb", broken))
                .isEqualTo("Subject: s\r\n\r\nb");
    }

    @Test
    void bareLineFeedsEndLinesToo() throws IOException {
        assertThat(filter("Authentication-Results: mx.ours.test; none\n a\nSubject: s\n\nbody\n", OURS))
                .isEqualTo("Subject: s\n\nbody\n");
    }

    private static String filter(String message, Predicate<String> claimsOurId) throws IOException {
        InMemoryBlobStore blobs = new InMemoryBlobStore();
        String id;
        try (BlobStore.BlobWriter out = blobs.create()) {
            AuthResultsFilter.copy(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)), out, claimsOurId);
            id = out.commit();
        }
        try (InputStream in = blobs.open(id)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
