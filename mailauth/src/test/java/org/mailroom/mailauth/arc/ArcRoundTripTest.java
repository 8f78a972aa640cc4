package org.mailroom.mailauth.arc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mailroom.mailauth.arc.ArcFixtures.FIRST;
import static org.mailroom.mailauth.arc.ArcFixtures.MESSAGE;
import static org.mailroom.mailauth.arc.ArcFixtures.SECOND;
import static org.mailroom.mailauth.arc.ArcFixtures.seal;
import static org.mailroom.mailauth.arc.ArcFixtures.verify;
import static org.mailroom.mailauth.arc.ArcFixtures.zone;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailroom.mailauth.arc.ArcVerdict.Result;
import org.mailroom.mailauth.dkim.DkimKey;
import org.mailroom.mailauth.dkim.TagList;
import org.mailroom.mailauth.testing.MemoryDns;

class ArcRoundTripTest {

    /** The second hop's message: the first hop's sealed message with the second hop's results on top. */
    static String secondHop(String sealedOnce) {
        return "Authentication-Results: mx.fwd.example.com; arc=pass; dkim=pass header.d=example.org\r\n" + sealedOnce;
    }

    @Test
    void noArcFieldsIsNone() {
        assertThat(verify(zone(), MESSAGE)).isEqualTo(new ArcVerdict(Result.NONE, 0, "no ARC sets"));
    }

    @Test
    void oneSetSealedAndVerified() throws Exception {
        String sealed = seal(MESSAGE, FIRST, "mx.lists.example.net");
        assertThat(verify(zone(), sealed)).extracting(ArcVerdict::result, ArcVerdict::instances).containsExactly(Result.PASS, 1);
        String aar = sealed.lines().filter(l -> l.startsWith("ARC-Authentication-Results:")).findFirst().orElseThrow();
        assertThat(aar).isEqualTo("ARC-Authentication-Results: i=1; mx.lists.example.net;");
        String seal = sealed.substring(0, sealed.indexOf("ARC-Message-Signature:"));
        TagList tags = TagList.parse(seal.substring(seal.indexOf(':') + 1));
        assertThat(tags.asMap()).containsEntry("i", "1").containsEntry("cv", "none").containsEntry("a", "rsa-sha256")
                .containsEntry("d", "lists.example.net").doesNotContainKey("h");
        for (String line : sealed.substring(0, sealed.indexOf("ARC-Authentication-Results")).split("\r\n")) {
            assertThat(line.length()).as(line).isLessThan(78);
        }
    }

    @Test
    void twoHopsMakeAChainOfTwo() {
        String once = seal(MESSAGE, FIRST, "mx.lists.example.net");
        String twice = seal(secondHop(once), SECOND, "mx.fwd.example.com");
        assertThat(twice).contains("ARC-Seal: i=2; a=rsa-sha256;").contains("cv=pass;")
                .contains("ARC-Authentication-Results: i=2; mx.fwd.example.com; arc=pass;");
        assertThat(verify(zone(), twice)).extracting(ArcVerdict::result, ArcVerdict::instances).containsExactly(Result.PASS, 2);
    }

    @Test
    void aModifiedBodyFailsTheLatestMessageSignature() {
        String sealed = seal(MESSAGE, FIRST, "mx.lists.example.net").replace("attached", "lost");
        ArcVerdict v = verify(zone(), sealed);
        assertThat(v.result()).isEqualTo(Result.FAIL);
        assertThat(v.reason()).contains("ARC-Message-Signature i=1", "body hash");
    }

    @Test
    void aModifiedOlderSetFailsItsSeal() {
        String once = seal(MESSAGE, FIRST, "mx.lists.example.net");
        String twice = seal(secondHop(once), SECOND, "mx.fwd.example.com");
        String forged = twice.replace("i=1; mx.lists.example.net;", "i=1; mx.lists.example.net; x=1;");
        ArcVerdict v = verify(zone(), forged);
        assertThat(v.result()).isEqualTo(Result.FAIL);
        assertThat(v.reason()).startsWith("ARC-Seal i=");
    }

    @Test
    void aRemovedSetFails() {
        String once = seal(MESSAGE, FIRST, "mx.lists.example.net");
        String twice = seal(secondHop(once), SECOND, "mx.fwd.example.com");
        String withoutFirstSeal = twice.replaceFirst("ARC-Seal: i=1;[^:]*?\r\n(?=ARC-Message-Signature: i=1)", "");
        assertThat(withoutFirstSeal).doesNotContain("ARC-Seal: i=1");
        assertThat(verify(zone(), withoutFirstSeal)).extracting(ArcVerdict::result, ArcVerdict::reason)
                .containsExactly(Result.FAIL, "ARC set i=1 is incomplete");
    }

    @Test
    void aFailedChainIsNotSealedAgainAndReportsFail() {
        String broken = seal(MESSAGE, FIRST, "mx.lists.example.net").replace("attached", "lost");
        assertThat(seal(secondHop(broken), SECOND, "mx.fwd.example.com")).isEqualTo(secondHop(broken));
        String cvFail = seal(MESSAGE, FIRST, "mx.lists.example.net").replace("cv=none", "cv=fail");
        assertThat(verify(zone(), cvFail).reason()).isEqualTo("the chain already failed (cv=fail at i=1)");
    }

    @Test
    void wrongCvValuesFail() {
        String sealed = seal(MESSAGE, FIRST, "mx.lists.example.net").replace("cv=none", "cv=pass");
        assertThat(verify(zone(), sealed).reason()).isEqualTo("ARC-Seal i=1 says cv=pass");
    }

    @Test
    void dnsTroubleFailsTheChainWithTheReason() {
        String sealed = seal(MESSAGE, FIRST, "mx.lists.example.net");
        ArcVerdict v = verify(new MemoryDns().failing("arc1._domainkey.lists.example.net"), sealed);
        assertThat(v.result()).isEqualTo(Result.FAIL);
        assertThat(v.reason()).contains("temperror");
        assertThat(verify(new MemoryDns(), sealed).reason()).contains("permerror", "no key");
    }

    @Test
    void withoutOurResultsTheAarSaysWhatWeKnow() {
        String plain = MESSAGE.substring(MESSAGE.indexOf("Received:"));
        String sealed = seal(plain, FIRST, "mx.lists.example.net");
        assertThat(sealed).contains("ARC-Authentication-Results: i=1; mx.lists.example.net; arc=none\r\n");
        assertThat(verify(zone(), sealed).result()).isEqualTo(Result.PASS);
    }

    @Test
    void sealsOnlyWithRsa() throws Exception {
        DkimKey ed = new DkimKey("x.example", "ed", DkimKey.Algorithm.ED25519_SHA256,
                org.mailroom.mailauth.dkim.DkimKeys.generate(DkimKey.Algorithm.ED25519_SHA256).getPrivate());
        ArcSealer sealer = new ArcSealer(zone(), ArcFixtures.CLOCK);
        assertThatThrownBy(() -> sealer.seal(ArcFixtures.stream(MESSAGE), ed, "mx")).isInstanceOf(IllegalArgumentException.class);
        String fields = sealer.seal(ArcFixtures.stream(MESSAGE), List.of(ed, FIRST), "mx.lists.example.net");
        assertThat(verify(zone(), fields + MESSAGE).result()).isEqualTo(Result.PASS);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "ARC-Seal: i=1; cv=none\r\n",
        "ARC-Seal: garbage\r\n",
        "ARC-Seal: i=0; a=rsa-sha256; cv=none; d=x.example; s=s; b=dGVzdA==\r\n",
        "ARC-Seal: i=51; a=rsa-sha256; cv=none; d=x.example; s=s; b=dGVzdA==\r\n",
        "ARC-Authentication-Results: nothing\r\n",
        "ARC-Authentication-Results: i=1; mx.example; none\r\n",
        "ARC-Message-Signature: i=1; i=1\r\n",
        "ARC-Authentication-Results: i=1; a\r\nARC-Message-Signature: i=1; a=rsa-sha256\r\nARC-Seal: i=1; cv=none\r\n",
        "ARC-Authentication-Results: i=2; a\r\nARC-Message-Signature: i=2; a=rsa-sha256\r\nARC-Seal: i=2; cv=pass\r\n",
    })
    void malformedChainsFailWithoutException(String fields) {
        assertThat(verify(zone(), fields + MESSAGE).result()).isEqualTo(Result.FAIL);
        assertThat(verify(zone(), fields + seal(MESSAGE, FIRST, "mx.lists.example.net")).result()).isEqualTo(Result.FAIL);
    }

    @Test
    void fiftySetsIsTheLimit() {
        String message = MESSAGE;
        DkimKey[] keys = {FIRST, SECOND};
        for (int i = 1; i <= 50; i++) {
            String withResults = "Authentication-Results: hop" + i + ".example; arc=" + (i == 1 ? "none" : "pass") + "\r\n" + message;
            String sealed = seal(withResults, keys[i % 2], "hop" + i + ".example");
            assertThat(sealed).as("hop " + i).isNotEqualTo(withResults);
            message = sealed;
        }
        assertThat(verify(zone(), message)).extracting(ArcVerdict::result, ArcVerdict::instances).containsExactly(Result.PASS, 50);
        String more = "Authentication-Results: hop51.example; arc=pass\r\n" + message;
        assertThat(seal(more, FIRST, "hop51.example")).isEqualTo(more);
    }
}
