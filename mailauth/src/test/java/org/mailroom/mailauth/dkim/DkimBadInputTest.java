package org.mailroom.mailauth.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailroom.mailauth.dkim.DkimFixtures.MESSAGE;
import static org.mailroom.mailauth.dkim.DkimFixtures.RSA;
import static org.mailroom.mailauth.dkim.DkimFixtures.ED;
import static org.mailroom.mailauth.dkim.DkimFixtures.sign;
import static org.mailroom.mailauth.dkim.DkimFixtures.verify;
import static org.mailroom.mailauth.dkim.DkimFixtures.zone;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailroom.mailauth.dkim.DkimVerdict.Result;
import org.mailroom.mailauth.testing.MemoryDns;

/** Malformed signatures and key records: each gives its result, never an exception. */
class DkimBadInputTest {

    static final String BH = "bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
    static final String B = "b=dGVzdA==";
    static final String OK_TAGS = "v=1; a=rsa-sha256; d=example.org; s=rsa2026; h=From; " + BH + "; " + B;

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        ";",
        "v=1",
        "v=1;; a=rsa-sha256; d=example.org; s=rsa2026; h=From; " + BH + "; " + B,
        "v=1; v=1; a=rsa-sha256; d=example.org; s=rsa2026; h=From; " + BH + "; " + B,
        "v=2; a=rsa-sha256; d=example.org; s=rsa2026; h=From; " + BH + "; " + B,
        "a=rsa-sha256; d=example.org; s=rsa2026; h=From; " + BH + "; " + B,
        "v=1; a=rsa-sha1; d=example.org; s=rsa2026; h=From; " + BH + "; " + B,
        "v=1; a=rsa-sha512; d=example.org; s=rsa2026; h=From; " + BH + "; " + B,
        "v=1; a=; d=example.org; s=rsa2026; h=From; " + BH + "; " + B,
        "v=1; a=rsa-sha256; d=example.org; s=rsa2026; h=To; " + BH + "; " + B,
        "v=1; a=rsa-sha256; d=example.org; s=rsa2026; h=From::To; " + BH + "; " + B,
        "v=1; a=rsa-sha256; d=; s=rsa2026; h=From; " + BH + "; " + B,
        "v=1; a=rsa-sha256; d=exa mple.org; s=rsa2026; h=From; " + BH + "; " + B,
        "v=1; a=rsa-sha256; d=example..org; s=rsa2026; h=From; " + BH + "; " + B,
        "v=1; a=rsa-sha256; d=example.org; s=../etc; h=From; " + BH + "; " + B,
        "v=1; a=rsa-sha256; d=example.org; h=From; " + BH + "; " + B,
        "v=1; a=rsa-sha256; d=example.org; s=rsa2026; h=From; " + B,
        "v=1; a=rsa-sha256; d=example.org; s=rsa2026; h=From; bh=!!notbase64; " + B,
        "v=1; a=rsa-sha256; d=example.org; s=rsa2026; h=From; bh=dGVzdA==; " + B,
        "v=1; a=rsa-sha256; d=example.org; s=rsa2026; h=From; " + BH,
        "v=1; a=rsa-sha256; d=example.org; s=rsa2026; h=From; " + BH + "; b=",
        "v=1; a=rsa-sha256; d=example.org; s=rsa2026; h=From; " + BH + "; b=#",
        "v=1; a=rsa-sha256; c=fancy/simple; d=example.org; s=rsa2026; h=From; " + BH + "; " + B,
        "v=1; a=rsa-sha256; c=relaxed/relaxed/simple; d=example.org; s=rsa2026; h=From; " + BH + "; " + B,
        "v=1; a=rsa-sha256; d=example.org; s=rsa2026; h=From; i=alice@example.com; " + BH + "; " + B,
        "v=1; a=rsa-sha256; d=example.org; s=rsa2026; h=From; i=alice@badexample.org; " + BH + "; " + B,
        "v=1; a=rsa-sha256; d=example.org; s=rsa2026; h=From; i=noat; " + BH + "; " + B,
        "v=1; a=rsa-sha256; d=example.org; s=rsa2026; h=From; l=-1; " + BH + "; " + B,
        "v=1; a=rsa-sha256; d=example.org; s=rsa2026; h=From; l=99999999999999999999999; " + BH + "; " + B,
        "v=1; a=rsa-sha256; d=example.org; s=rsa2026; h=From; t=abc; " + BH + "; " + B,
        "v=1; a=rsa-sha256; d=example.org; s=rsa2026; h=From; t=200; x=100; " + BH + "; " + B,
        "v=1; a=rsa-sha256; d=example.org; s=rsa2026; h=From; q=http/json; " + BH + "; " + B,
        "v=1; a=rsa-sha256; d=example.org; s=rsa2026; h=From; 1x=y; " + BH + "; " + B,
        "v=1; a=rsa-sha256; d=example.org; s=rsa2026; h=From; novalue; " + BH + "; " + B,
        "v=1; a=rsa-sha256; d=example.org; s=rsa2026; h=From; z=a\u0001b; " + BH + "; " + B,
        "v=1; a=rsa-sha256; d=example.org; s=rsa2026; h=From; z=a\rb; " + BH + "; " + B,
        "==;==;==",
        "\u00ff\u00fe=\u0000",
    })
    void malformedSignatureFieldsAreNeutral(String value) {
        String message = "DKIM-Signature: " + value + "\r\n" + MESSAGE;
        List<DkimVerdict> verdicts = verify(zone(), message);
        assertThat(verdicts).hasSize(1);
        assertThat(verdicts.get(0).result()).as(verdicts.get(0).reason()).isEqualTo(Result.NEUTRAL);
        assertThat(verdicts.get(0).reason()).startsWith("signature syntax: ");
    }

    @Test
    void aWellFormedButWrongSignatureFailsAndUnknownTagsAreIgnored() {
        String message = "DKIM-Signature: " + OK_TAGS + "; zz=future; \r\n" + MESSAGE;
        List<DkimVerdict> verdicts = verify(zone(), message);
        assertThat(verdicts.get(0).result()).isEqualTo(Result.FAIL);
        assertThat(verdicts.get(0)).extracting(DkimVerdict::domain, DkimVerdict::selector, DkimVerdict::algorithm,
                DkimVerdict::signaturePrefix).containsExactly("example.org", "rsa2026", "rsa-sha256", "dGVzdA==");
    }

    @Test
    void aBrokenSignatureBesideAGoodOneDoesNotSpoilIt() {
        String message = "DKIM-Signature: v=1; a=rsa-sha256; d=broken\r\n" + sign(MESSAGE, ED);
        assertThat(verify(zone(), message)).extracting(DkimVerdict::result).containsExactly(Result.NEUTRAL, Result.PASS);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "v=DKIM1; k=rsa; p=!!!",
        "v=DKIM1; k=rsa; p=dGVzdA==",
        "v=DKIM1; k=rsa",
        "v=DKIM2; k=rsa; p=dGVzdA==",
        "v=DKIM1; k=dsa; p=dGVzdA==",
        "v=DKIM1; k=ed25519; p=dGVzdA==",
        "v=DKIM1; p=dGVzdA==; p=dGVzdA==",
        "v=DKIM1; k=rsa; p=",
        "garbage",
        "",
        ";;;",
    })
    void malformedKeyRecordsArePermerror(String record) {
        MemoryDns zone = new MemoryDns().txt("rsa2026._domainkey.example.org", record);
        DkimVerdict v = verify(zone, sign(MESSAGE, RSA)).get(0);
        assertThat(v.result()).as(v.reason()).isEqualTo(Result.PERMERROR);
    }

    @Test
    void aTenThousandOctetKeyRecordIsRead() {
        String record = DkimKeys.publicKeyRecord(DkimFixtures.RSA_PAIR.getPublic());
        String padded = "v=DKIM1; n=" + "x".repeat(10_000 - record.length() - 5) + "; " + record.substring("v=DKIM1; ".length());
        assertThat(padded.length()).isBetween(9_990, 10_010);
        MemoryDns zone = new MemoryDns().txt("rsa2026._domainkey.example.org", padded);
        assertThat(verify(zone, sign(MESSAGE, RSA)).get(0).result()).isEqualTo(Result.PASS);
        MemoryDns junk = new MemoryDns().txt("rsa2026._domainkey.example.org", "p=" + "A".repeat(10_000));
        assertThat(verify(junk, sign(MESSAGE, RSA)).get(0).result()).isEqualTo(Result.PERMERROR);
    }

    @Test
    void aHeaderSectionOverOneMebibyteIsPermerrorNotMemory() {
        String huge = sign(MESSAGE, RSA).replace("Received:", "X-Filler: " + "y".repeat(HeaderSection.MAX_BYTES) + "\r\nReceived:");
        List<DkimVerdict> verdicts = verify(zone(), huge);
        assertThat(verdicts).singleElement().extracting(DkimVerdict::result).isEqualTo(Result.PERMERROR);
        // just under the cap, many fields: still verified
        StringBuilder many = new StringBuilder();
        for (int i = 0; many.length() < HeaderSection.MAX_BYTES - 50_000; i++) {
            many.append("X-Trace-").append(i).append(": ").append("z".repeat(100)).append("\r\n");
        }
        String big = sign(MESSAGE, RSA).replace("Received:", many + "Received:");
        assertThat(verify(zone(), big)).extracting(DkimVerdict::result).containsExactly(Result.PASS);
    }

    @Test
    void tooManySignaturesAreNotAllChecked() {
        String signed = sign(MESSAGE, ED);
        String field = signed.substring(0, signed.indexOf("From: Alice"));
        String message = field.repeat(12) + MESSAGE;
        MemoryDns zone = zone();
        List<DkimVerdict> verdicts = verify(zone, message);
        assertThat(verdicts).hasSize(12);
        assertThat(verdicts.subList(0, DkimVerifier.MAX_SIGNATURES)).extracting(DkimVerdict::result).containsOnly(Result.PASS);
        assertThat(verdicts.subList(DkimVerifier.MAX_SIGNATURES, 12)).extracting(DkimVerdict::result).containsOnly(Result.NEUTRAL);
    }

    @Test
    void lengthLimitedSignatures() throws Exception {
        // hand-made l= signature: sign with our pieces, body limited to its first 10 canonical octets
        String message = MESSAGE;
        HeaderSection header = HeaderSection.read(DkimFixtures.stream(message));
        BodyHasher body = new BodyHasher(Canonicalization.RELAXED, 10);
        byte[] rest = header.body().readAllBytes();
        body.update(rest, 0, rest.length);
        String bh = java.util.Base64.getEncoder().encodeToString(body.finish());
        FieldFolder field = new FieldFolder("DKIM-Signature").tag("v", "1").tag("a", "rsa-sha256")
                .tag("c", "relaxed/relaxed").tag("d", "example.org").tag("s", "rsa2026").tag("l", "10")
                .tag("h", "From:Subject").tag("bh", bh);
        String signed = DkimSigner.signField(field, header, List.of("From", "Subject"), RSA) + message;
        assertThat(verify(zone(), signed)).extracting(DkimVerdict::result).containsExactly(Result.PASS);
        assertThat(verify(zone(), signed + "appended by a list\r\n")).extracting(DkimVerdict::result)
                .as("content after l= is not covered").containsExactly(Result.PASS);
        assertThat(verify(zone(), signed.replace("Hello Bob", "Hello Eve"))).extracting(DkimVerdict::result)
                .containsExactly(Result.FAIL);
        String cut = signed.substring(0, signed.indexOf("Hello Bob")) + "Hi\r\n";
        assertThat(verify(zone(), cut)).extracting(DkimVerdict::reason).containsExactly("body shorter than l=");
    }
}
