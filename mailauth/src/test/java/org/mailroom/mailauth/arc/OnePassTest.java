package org.mailroom.mailauth.arc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.mailroom.mailauth.dkim.DkimKey;
import org.mailroom.mailauth.dkim.DkimKeys;
import org.mailroom.mailauth.dkim.DkimSigner;
import org.mailroom.mailauth.dkim.DkimVerdict;
import org.mailroom.mailauth.dkim.DkimVerifier;
import org.mailroom.mailauth.dkim.SignedMessage;
import org.mailroom.mailauth.testing.MemoryDns;

/** DKIM and ARC checked in one pass over the message, as InboundAuthenticator does. */
class OnePassTest {

    @Test
    void dkimAndArcShareOneReadOfTheMessage() throws Exception {
        var pair = DkimKeys.generate(DkimKey.Algorithm.ED25519_SHA256);
        DkimKey author = new DkimKey("example.org", "ed", DkimKey.Algorithm.ED25519_SHA256, pair.getPrivate());
        String signed = new DkimSigner(ArcFixtures.CLOCK).sign(ArcFixtures.stream(ArcFixtures.MESSAGE), List.of(author))
                + ArcFixtures.MESSAGE;
        String sealed = ArcFixtures.seal(signed, ArcFixtures.FIRST, "mx.lists.example.net");
        MemoryDns zone = ArcFixtures.zone().txt("ed._domainkey.example.org", DkimKeys.publicKeyRecord(pair.getPublic()));

        AtomicInteger reads = new AtomicInteger();
        InputStream counting = new ByteArrayInputStream(sealed.getBytes(StandardCharsets.ISO_8859_1)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                int n = super.read(b, off, len);
                reads.addAndGet(Math.max(n, 0));
                return n;
            }
        };
        SignedMessage m = SignedMessage.read(counting);
        DkimVerifier.Pending dkim = new DkimVerifier(zone, ArcFixtures.CLOCK).prepare(m);
        ArcVerifier.Pending arc = new ArcVerifier(zone, ArcFixtures.CLOCK).prepare(m);
        assertThatThrownBy(dkim::verdicts).isInstanceOf(IllegalStateException.class);
        m.consumeBody();
        assertThat(dkim.verdicts()).extracting(DkimVerdict::result).containsExactly(DkimVerdict.Result.PASS);
        assertThat(arc.verdict().result()).isEqualTo(ArcVerdict.Result.PASS);
        assertThat(m.header().named("From")).hasSize(1);
        assertThat(reads.get()).isEqualTo(sealed.length());
    }
}
