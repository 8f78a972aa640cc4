package org.mailroom.delivery.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The policy format of RFC 8461 section 3.2, MX matching of section 4.1, and the TXT records of 3.1 and RFC 8460. */
class MtaStsPolicyTest {

    @Test
    void readsAPolicyWithCrLfUnknownKeysAndSpaces() throws Exception {
        MtaStsPolicy p = MtaStsPolicy.parse("abc", "version: STSv1\r\nmode:  enforce \r\nmx: MX1.Example.org\r\n"
                + "mx: *.example.net\r\nfuture_key: whatever\r\nmax_age: 604800\r\n");
        assertThat(p.mode()).isEqualTo(MtaStsPolicy.Mode.ENFORCE);
        assertThat(p.mx()).containsExactly("mx1.example.org", "*.example.net");
        assertThat(p.maxAge()).isEqualTo(604800);
        assertThat(p.lines()).containsExactly("version: STSv1", "mode:  enforce", "mx: MX1.Example.org",
                "mx: *.example.net", "future_key: whatever", "max_age: 604800");
    }

    @Test
    void capsMaxAgeAtOneYear() throws Exception {
        assertThat(MtaStsPolicy.parse("a", "version: STSv1\nmode: testing\nmx: a.test\nmax_age: 9999999999\n").maxAge())
                .isEqualTo(31_557_600L);
    }

    @Test
    void modeNoneNeedsNoMx() throws Exception {
        assertThat(MtaStsPolicy.parse("a", "version: STSv1\nmode: none\nmax_age: 86400\n").mode())
                .isEqualTo(MtaStsPolicy.Mode.NONE);
    }

    @Test
    void refusesWhatIsNotAPolicy() {
        for (String bad : List.of("", "<html>hello</html>", "version: STSv2\nmode: enforce\nmx: a.test\nmax_age: 1\n",
                "version: STSv1\nmode: enforce\nmx: a.test\n", "version: STSv1\nmode: enforce\nmax_age: 1\n",
                "version: STSv1\nmode: strict\nmx: a.test\nmax_age: 1\n",
                "version: STSv1\nmode: enforce\nmx: a.test\nmax_age: -1\n")) {
            assertThatThrownBy(() -> MtaStsPolicy.parse("a", bad)).as(bad).isInstanceOf(MtaStsPolicy.Invalid.class);
        }
    }

    @Test
    void randomBytesGiveAPolicyOrInvalidNeverAnotherException() {
        Random random = new Random(8461);
        String alphabet = "version:STSv1\nmode enforcetesting\r*.mx_age0123456789 :\u00e9\u0000";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder();
            int n = random.nextInt(120);
            for (int j = 0; j < n; j++) s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            try {
                MtaStsPolicy.parse("x", s.toString());
            } catch (MtaStsPolicy.Invalid expected) {
                // the RFC's answer: no policy
            }
        }
    }

    @Test
    void wildcardsMatchTheLeftMostLabelOnly() throws Exception {
        MtaStsPolicy p = MtaStsPolicy.parse("a", "version: STSv1\nmode: enforce\nmx: mail.example.com\n"
                + "mx: *.example.net\nmax_age: 1\n");
        assertThat(p.allows("mail.example.com")).isTrue();
        assertThat(p.allows("MAIL.example.com.")).isTrue();
        assertThat(p.allows("mx1.example.net")).isTrue();
        assertThat(p.allows("example.net")).isFalse();
        assertThat(p.allows("a.b.example.net")).isFalse();
        assertThat(p.allows("other.example.com")).isFalse();
    }

    @Test
    void theTxtRecordNeedsExactlyOneStsV1WithAnId() {
        assertThat(MtaStsPolicies.recordId(List.of("v=STSv1; id=20160831085700Z;"))).isEqualTo("20160831085700Z");
        assertThat(MtaStsPolicies.recordId(List.of("v=spf1 -all", "v=STSv1;id=abc"))).isEqualTo("abc");
        assertThat(MtaStsPolicies.recordId(List.of("v=STSv1; id=a", "v=STSv1; id=b"))).isNull();
        assertThat(MtaStsPolicies.recordId(List.of("v=STSv1; id=not-alphanumeric"))).isNull();
        assertThat(MtaStsPolicies.recordId(List.of("v=STSv1"))).isNull();
        assertThat(MtaStsPolicies.recordId(List.of())).isNull();
    }

    @Test
    void theTlsRptRecordGivesItsRuaList() {
        assertThat(TlsReportSender.rua(List.of("v=TLSRPTv1; rua=mailto:a@b.test,https://r.test/v1"))).containsExactly(
                "mailto:a@b.test", "https://r.test/v1");
        assertThat(TlsReportSender.rua(List.of("v=TLSRPTv1;rua=mailto:a@b.test", "v=TLSRPTv1;rua=mailto:c@b.test"))).isEmpty();
        assertThat(TlsReportSender.rua(List.of("v=spf1 -all"))).isEmpty();
    }
}
