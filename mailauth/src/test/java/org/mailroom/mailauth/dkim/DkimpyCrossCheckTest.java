package org.mailroom.mailauth.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailroom.mailauth.dkim.DkimFixtures.ED;
import static org.mailroom.mailauth.dkim.DkimFixtures.MESSAGE;
import static org.mailroom.mailauth.dkim.DkimFixtures.RSA;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.mailauth.dkim.DkimVerdict.Result;
import org.mailroom.mailauth.testing.Dkimpy;

/** Our signatures checked by dkimpy, dkimpy's checked by us: both algorithms, both canonicalizations. */
class DkimpyCrossCheckTest {

    static final Map<String, String> ZONE = Map.of(
            "rsa2026._domainkey.example.org", DkimKeys.publicKeyRecord(DkimFixtures.RSA_PAIR.getPublic()),
            "ed2026._domainkey.example.org", DkimKeys.publicKeyRecord(DkimFixtures.ED_PAIR.getPublic()));

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
    void dkimpyVerifiesOurSignatures() throws Exception {
        String signed = DkimFixtures.sign(MESSAGE, RSA, ED);
        assertThat(dkimpy.verify(signed, ZONE)).containsExactly("pass", "pass");
        String tampered = signed.replace("noon", "one");
        assertThat(dkimpy.verify(tampered, ZONE)).allMatch(s -> s.startsWith("fail"));
        String added = signed.replace("Received:", "Subject: win a prize\r\nReceived:");
        assertThat(dkimpy.verify(added, ZONE)).allMatch(s -> s.startsWith("fail"));
    }

    @Test
    void weVerifyDkimpySignatures() throws Exception {
        for (DkimKey key : List.of(RSA, ED)) {
            for (String canon : List.of("relaxed/relaxed", "simple/simple", "relaxed/simple", "simple/relaxed")) {
                String signed = dkimpy.sign(MESSAGE, key, canon) + MESSAGE;
                List<DkimVerdict> verdicts = DkimFixtures.verify(DkimFixtures.zone(), signed);
                assertThat(verdicts).as(key.algorithm() + " " + canon + "\n" + signed)
                        .extracting(DkimVerdict::result).containsExactly(Result.PASS);
                List<DkimVerdict> tampered = DkimFixtures.verify(DkimFixtures.zone(), signed.replace("Bob,", "Eve,"));
                assertThat(tampered).extracting(DkimVerdict::result).containsExactly(Result.FAIL);
            }
        }
    }

    @Test
    void theySignWhatWeSignTheSameWay() throws Exception {
        // a message with awkward whitespace and folding: both verifiers agree on both signers' output
        String awkward = "From:  Alice\r\n <alice@example.org> \r\nSubject:\tspaced   out \t\r\nTo: b@example.net\r\n\r\n"
                + "  leading\r\ntrailing \t \r\n\t\r\n \r\n";
        String ours = DkimFixtures.sign(awkward, RSA, ED);
        assertThat(dkimpy.verify(ours, ZONE)).containsExactly("pass", "pass");
        String theirs = dkimpy.sign(awkward, ED, "relaxed/relaxed") + awkward;
        assertThat(DkimFixtures.verify(DkimFixtures.zone(), theirs)).extracting(DkimVerdict::result)
                .containsExactly(Result.PASS);
    }
}
