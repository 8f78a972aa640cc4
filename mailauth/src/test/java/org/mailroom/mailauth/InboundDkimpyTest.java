package org.mailroom.mailauth;

import org.mailroom.mailauth.testing.MemoryDns;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mailroom.mailauth.testing.MemoryDns.ip;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.mailauth.InboundAuthenticator.Action;
import org.mailroom.mailauth.InboundAuthenticator.Inbound;
import org.mailroom.mailauth.InboundAuthenticator.Settings;
import org.mailroom.mailauth.InboundAuthenticator.Verdict;
import org.mailroom.mailauth.dkim.DkimKey;
import org.mailroom.mailauth.dkim.DkimKeys;
import org.mailroom.mailauth.testing.Dkimpy;

/**
 * {@link InboundAuthenticator} as the server builds it (real DKIM verifier), on messages signed by dkimpy, an
 * independent signer: the DMARC outcome follows from the signature.
 */
class InboundDkimpyTest {

    private static final KeyPair PAIR = DkimKeys.generate(DkimKey.Algorithm.RSA_SHA256);
    private static final DkimKey KEY = new DkimKey("bank.example", "s2026", DkimKey.Algorithm.RSA_SHA256, PAIR.getPrivate());
    private static final KeyPair LIST_PAIR = DkimKeys.generate(DkimKey.Algorithm.RSA_SHA256);
    private static final DkimKey LIST_KEY = new DkimKey("lists.example", "arc1", DkimKey.Algorithm.RSA_SHA256,
            LIST_PAIR.getPrivate());
    static final String MESSAGE = "From: Bank <alerts@bank.example>\r\nTo: u@us.example\r\nSubject: Your statement\r\n"
            + "Date: Fri, 04 Dec 2026 11:59:00 +0000\r\nMessage-ID: <s.1@bank.example>\r\n\r\n"
            + "Your statement is ready.\r\n";

    @TempDir
    Path dir;
    private Dkimpy dkimpy;
    private final MemoryDns dns = new MemoryDns()
            .txt("s2026._domainkey.bank.example", DkimKeys.publicKeyRecord(PAIR.getPublic()))
            .txt("arc1._domainkey.lists.example", DkimKeys.publicKeyRecord(LIST_PAIR.getPublic()))
            .txt("bank.example", "v=spf1 ip4:203.0.113.0/24 -all")
            .txt("_dmarc.bank.example", "v=DMARC1; p=reject; adkim=s");
    private final InboundAuthenticator auth =
            new InboundAuthenticator(dns, new Settings("mx.us.example", true, false, false), Clock.systemUTC());

    @BeforeEach
    void start() throws IOException {
        dkimpy = new Dkimpy(dir);
    }

    private Verdict check(String message) throws IOException {
        // relayed through a mailing list host: SPF is the list's, so only DKIM can align
        return auth.check(new Inbound(ip("192.0.2.44"), "lists.example", "bounce@lists.example"),
                new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void signedByTheFromDomainPassesDmarc() throws IOException {
        String signed = dkimpy.sign(MESSAGE, KEY, "relaxed/relaxed") + MESSAGE;
        Verdict v = check(signed);
        assertThat(v.action()).isEqualTo(Action.ACCEPT);
        assertThat(v.header()).contains("dkim=pass header.d=bank.example header.s=s2026 header.a=rsa-sha256")
                .contains("dmarc=pass").contains("spf=none (no SPF record at lists.example) smtp.mailfrom=bounce@lists.example");
    }

    @Test
    void bodyModifiedAfterSigningIsDkimFailAndRejected() throws IOException {
        String signed = dkimpy.sign(MESSAGE, KEY, "relaxed/relaxed") + MESSAGE;
        Verdict v = check(signed.replace("is ready", "is overdue, pay here"));
        assertThat(v.header()).contains("dkim=fail").contains("header.d=bank.example")
                .contains("dmarc=fail (p=reject dis=reject)");
        assertThat(v.action()).isEqualTo(Action.REJECT);
        assertThat(v.reply()).isEqualTo("550 5.7.1 Email rejected per DMARC policy for bank.example");
    }

    @Test
    void mailingListBreaksDkimArcSealsItAndArcDoesNotOverrideDmarc() throws IOException {
        // the list received the bank's signed mail, recorded its results, added a footer, and sealed it with ARC
        String signed = dkimpy.sign(MESSAGE, KEY, "relaxed/relaxed") + MESSAGE;
        String atList = "Authentication-Results: lists.example; dkim=pass header.d=bank.example; dmarc=pass\r\n"
                + signed.replace("Subject: Your statement", "Subject: [list] Your statement") + "-- \r\nlist footer\r\n";
        String sealed = dkimpy.arcSign(atList, LIST_KEY, "lists.example", System.currentTimeMillis() / 1000) + atList;
        Verdict v = check(sealed);
        assertThat(v.header()).contains("arc=pass (i=1)").contains("dkim=fail").contains("dmarc=fail");
        assertThat(v.action()).isEqualTo(Action.REJECT); // README: no trusted sealers, no override
        assertThat(check(sealed.replace("list footer", "changed after sealing")).header()).contains("arc=fail");
    }

    @Test
    void unsignedForgeryIsRejected() throws IOException {
        Verdict v = check(MESSAGE);
        assertThat(v.header()).contains("dkim=none");
        assertThat(v.action()).isEqualTo(Action.REJECT);
    }
}
