package org.mailroom.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.mailroom.core.mail.MailAddress;

class SrsTest {

    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private final Srs srs = new Srs("0123456789abcdef0123".getBytes(StandardCharsets.UTF_8));

    @Test
    void forwardThenReverseGivesTheOriginalSender() {
        MailAddress sender = MailAddress.parse("Carol.Smith@origin.example");
        MailAddress rewritten = srs.forward(sender, "forwarder.test", NOW);
        assertThat(rewritten.domain()).isEqualTo("forwarder.test");
        assertThat(rewritten.localPart()).startsWith("SRS0=").endsWith("=origin.example=Carol.Smith");
        assertThat(Srs.looksLikeSrs(rewritten)).isTrue();
        assertThat(srs.reverse(rewritten, NOW.plus(Duration.ofDays(3)))).contains(sender);
    }

    @Test
    void caseChangedOnTheWayStillReverses() {
        MailAddress rewritten = srs.forward(MailAddress.parse("a@origin.example"), "forwarder.test", NOW);
        MailAddress shouted = new MailAddress(rewritten.localPart().toUpperCase(), "FORWARDER.TEST");
        assertThat(srs.reverse(shouted, NOW)).map(MailAddress::canonical).contains("a@origin.example");
    }

    @Test
    void madeUpOrForeignOrOldAddressesAreRefused() {
        MailAddress good = srs.forward(MailAddress.parse("a@origin.example"), "forwarder.test", NOW);
        String[] parts = good.localPart().split("=", 3);
        MailAddress badHash = new MailAddress("SRS0=aaaaaa=" + parts[2], "forwarder.test");
        assertThat(srs.reverse(badHash, NOW)).isEmpty();
        Srs other = new Srs("another secret of 20 octets".getBytes(StandardCharsets.UTF_8));
        assertThat(other.reverse(good, NOW)).isEmpty();
        assertThat(srs.reverse(good, NOW.plus(Srs.MAX_AGE).plus(Duration.ofDays(2)))).isEmpty();
        assertThat(srs.reverse(MailAddress.parse("SRS0=broken@forwarder.test"), NOW)).isEmpty();
        assertThat(Srs.looksLikeSrs(MailAddress.parse("alice@forwarder.test"))).isFalse();
    }

    @Test
    void localPartsWithEqualsSignsSurvive() {
        MailAddress sender = MailAddress.parse("bounce=list=42@lists.example");
        assertThat(srs.reverse(srs.forward(sender, "forwarder.test", NOW), NOW)).contains(sender);
    }
}
