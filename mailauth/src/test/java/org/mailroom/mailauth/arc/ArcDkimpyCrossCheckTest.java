package org.mailroom.mailauth.arc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailroom.mailauth.arc.ArcFixtures.FIRST;
import static org.mailroom.mailauth.arc.ArcFixtures.MESSAGE;
import static org.mailroom.mailauth.arc.ArcFixtures.SECOND;
import static org.mailroom.mailauth.arc.ArcFixtures.seal;
import static org.mailroom.mailauth.arc.ArcFixtures.verify;
import static org.mailroom.mailauth.arc.ArcFixtures.zone;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.mailauth.arc.ArcVerdict.Result;
import org.mailroom.mailauth.dkim.DkimKeys;
import org.mailroom.mailauth.testing.Dkimpy;

/** Our ARC sets validated by dkimpy's arc_verify, dkimpy's arc_sign chains validated by us, and mixed chains. */
class ArcDkimpyCrossCheckTest {

    static final Map<String, String> ZONE = Map.of(
            "arc1._domainkey.lists.example.net", DkimKeys.publicKeyRecord(ArcFixtures.FIRST_PAIR.getPublic()),
            "arc2._domainkey.fwd.example.com", DkimKeys.publicKeyRecord(ArcFixtures.SECOND_PAIR.getPublic()));

    @TempDir
    static Path dir;
    static Dkimpy dkimpy;

    @BeforeAll
    static void start() throws Exception {
        dkimpy = new Dkimpy(dir); // one Python process for the class: it takes a second or more to start
    }

    @AfterAll
    static void stop() throws Exception {
        if (dkimpy != null) {
            dkimpy.close();
        }
    }

    @Test
    void dkimpyValidatesOurChains() throws Exception {
        String once = seal(MESSAGE, FIRST, "mx.lists.example.net");
        assertThat(dkimpy.arcVerify(once, ZONE)).isEqualTo("pass");
        String twice = seal(ArcRoundTripTest.secondHop(once), SECOND, "mx.fwd.example.com");
        assertThat(dkimpy.arcVerify(twice, ZONE)).isEqualTo("pass");
        assertThat(dkimpy.arcVerify(twice.replace("attached", "lost"), ZONE)).startsWith("fail");
        assertThat(dkimpy.arcVerify(twice.replace("i=1; mx.lists.example.net;", "i=1; mx.lists.example.net; x=1;"), ZONE))
                .startsWith("fail");
    }

    @Test
    void weValidateDkimpyChains() throws Exception {
        long t = ArcFixtures.CLOCK.instant().getEpochSecond();
        String once = dkimpy.arcSign(MESSAGE, FIRST, "mx.lists.example.net", t) + MESSAGE;
        assertThat(verify(zone(), once)).extracting(ArcVerdict::result, ArcVerdict::instances).containsExactly(Result.PASS, 1);
        String second = ArcRoundTripTest.secondHop(once);
        String twice = dkimpy.arcSign(second, SECOND, "mx.fwd.example.com", t) + second;
        assertThat(verify(zone(), twice)).extracting(ArcVerdict::result, ArcVerdict::instances).containsExactly(Result.PASS, 2);
        assertThat(verify(zone(), twice.replace("attached", "lost")).result()).isEqualTo(Result.FAIL);
        assertThat(verify(zone(), twice.replace("Subject: meeting", "Subject: Meeting")).result()).isEqualTo(Result.FAIL);
    }

    @Test
    void mixedChains() throws Exception {
        long t = ArcFixtures.CLOCK.instant().getEpochSecond();
        // dkimpy seals first, we seal second: both validate
        String theirs = dkimpy.arcSign(MESSAGE, FIRST, "mx.lists.example.net", t) + MESSAGE;
        String ours = seal(ArcRoundTripTest.secondHop(theirs), SECOND, "mx.fwd.example.com");
        assertThat(verify(zone(), ours)).extracting(ArcVerdict::result, ArcVerdict::instances).containsExactly(Result.PASS, 2);
        assertThat(dkimpy.arcVerify(ours, ZONE)).isEqualTo("pass");
        // we seal first, dkimpy seals second
        String first = ArcRoundTripTest.secondHop(seal(MESSAGE, FIRST, "mx.lists.example.net"));
        String then = dkimpy.arcSign(first, SECOND, "mx.fwd.example.com", t) + first;
        assertThat(verify(zone(), then)).extracting(ArcVerdict::result, ArcVerdict::instances).containsExactly(Result.PASS, 2);
        assertThat(dkimpy.arcVerify(then, ZONE)).isEqualTo("pass");
    }
}
