package org.mailroom.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailroom.mailauth.arc.ArcVerdict;
import org.mailroom.mailauth.dkim.DkimVerdict;
import org.mailroom.mailauth.dmarc.DmarcVerdict;
import org.mailroom.mailauth.spf.SpfVerdict;

class AuthenticationResultsTest {

    @Test
    void writesOneResultPerLine() {
        String h = new AuthenticationResults("mx.example.org")
                .spf(new SpfVerdict(SpfVerdict.Result.PASS, "mailfrom", "b.example", "a@b.example", "matched"))
                .dkim(List.of(new DkimVerdict(DkimVerdict.Result.PASS, "b.example", "sel", "rsa-sha256", "abcdefgh", "")))
                .dmarc(new DmarcVerdict(DmarcVerdict.Result.PASS, "b.example", "b.example", DmarcVerdict.Policy.REJECT,
                        DmarcVerdict.Policy.NONE, "ok"))
                .arc(new ArcVerdict(ArcVerdict.Result.NONE, 0, ""))
                .header();
        assertThat(h).isEqualTo("Authentication-Results: mx.example.org;\r\n"
                + "\tspf=pass smtp.mailfrom=a@b.example;\r\n"
                + "\tdkim=pass header.d=b.example header.s=sel header.a=rsa-sha256\r\n" // past 78 columns: folded
                + "\theader.b=abcdefgh;\r\n"
                + "\tdmarc=pass (p=reject dis=none) header.from=b.example;\r\n"
                + "\tarc=none\r\n");
    }

    @Test
    void quotesWhatIsNotATokenAndKeepsInputOnItsLine() {
        String h = new AuthenticationResults("mx.example.org")
                .dkim(List.of(new DkimVerdict(DkimVerdict.Result.FAIL, "evil.example\r\nX-Injected: yes", "s(1)", "",
                        "ab/c+d=e", "body hash (bh=) did not verify\r\nBcc: x")))
                .spf(new SpfVerdict(SpfVerdict.Result.FAIL, "mailfrom", "x.example", "\"odd user\"@x.example", "no"))
                .header();
        assertThat(h.split("\r\n")).allSatisfy(line -> assertThat(line).matches("^(Authentication-Results: |\t).*"));
        assertThat(h).contains("header.d=\"evil.example X-Injected: yes\"")
                .contains("header.s=\"s(1)\"")
                .contains("header.b=\"ab/c+d=e\"")
                .contains("(body hash \\(bh=\\) did not verify Bcc: x)")
                .contains("smtp.mailfrom=\"\\\"odd user\\\"@x.example\"")
                .doesNotContain("header.a=");
    }

    @Test
    void foldsLongResults() {
        String h = new AuthenticationResults("mx.example.org")
                .dkim(List.of(new DkimVerdict(DkimVerdict.Result.PERMERROR, "a-very-long-signing-domain.subdomain.example.com",
                        "selector-2026-december", "ed25519-sha256", "AbCdEfGh", "key record has no p= tag")))
                .header();
        for (String line : h.split("\r\n")) assertThat(line.length()).isLessThanOrEqualTo(79);
        assertThat(h).contains("\r\n\t");
    }

    @Test
    void noResultsIsNone() {
        assertThat(new AuthenticationResults("mx.example.org").header()).isEqualTo("Authentication-Results: mx.example.org; none\r\n");
    }
}
