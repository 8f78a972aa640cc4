package org.mailroom.protocol.smtp.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mailroom.core.dns.DnsResolver.Tlsa;

/** Name matching (RFC 6125 DNS-ID, as RFC 8461 section 4.2 asks) and which TLSA records count (RFC 7672 3.1.3). */
class CertificateCheckTest {

    @Test
    void namesMatchExactlyOrByALeftMostWildcard() {
        assertThat(CertificateCheck.nameMatches("mx.b.test", "MX.B.TEST")).isTrue();
        assertThat(CertificateCheck.nameMatches("mx.b.test.", "mx.b.test")).isTrue();
        assertThat(CertificateCheck.nameMatches("*.b.test", "mx.b.test")).isTrue();
        assertThat(CertificateCheck.nameMatches("*.b.test", "b.test")).isFalse();
        assertThat(CertificateCheck.nameMatches("*.b.test", "a.mx.b.test")).isFalse();
        assertThat(CertificateCheck.nameMatches("mx*.b.test", "mx1.b.test")).isFalse();
        assertThat(CertificateCheck.nameMatches("other.test", "mx.b.test")).isFalse();
    }

    @Test
    void onlyDaneTaAndDaneEeRecordsAreUsable() {
        byte[] data = new byte[32];
        assertThat(CertificateCheck.usable(new Tlsa(3, 1, 1, data))).isTrue();
        assertThat(CertificateCheck.usable(new Tlsa(2, 0, 2, data))).isTrue();
        assertThat(CertificateCheck.usable(new Tlsa(1, 1, 1, data))).isFalse();
        assertThat(CertificateCheck.usable(new Tlsa(0, 0, 1, data))).isFalse();
        assertThat(CertificateCheck.usable(new Tlsa(3, 2, 1, data))).isFalse();
        assertThat(CertificateCheck.usable(new Tlsa(3, 1, 3, data))).isFalse();
    }
}
