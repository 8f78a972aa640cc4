package org.mailroom.mailauth.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailroom.mailauth.dkim.DkimFixtures.ED;
import static org.mailroom.mailauth.dkim.DkimFixtures.MESSAGE;
import static org.mailroom.mailauth.dkim.DkimFixtures.RSA;
import static org.mailroom.mailauth.dkim.DkimFixtures.sign;
import static org.mailroom.mailauth.dkim.DkimFixtures.verify;
import static org.mailroom.mailauth.dkim.DkimFixtures.zone;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailroom.mailauth.dkim.DkimVerdict.Result;
import org.mailroom.mailauth.testing.MemoryDns;

class DkimRoundTripTest {

    @Test
    void bothAlgorithmsSignAndVerify() {
        String signed = sign(MESSAGE, RSA, ED);
        List<DkimVerdict> verdicts = verify(zone(), signed);
        assertThat(verdicts).extracting(DkimVerdict::result).containsExactly(Result.PASS, Result.PASS);
        assertThat(verdicts).extracting(DkimVerdict::algorithm).containsExactly("rsa-sha256", "ed25519-sha256");
        assertThat(verdicts).extracting(DkimVerdict::domain).containsOnly("example.org");
        assertThat(verdicts.get(0).reason()).isEqualTo("2048-bit key");
        assertThat(verdicts.get(0).signaturePrefix()).hasSize(8);
    }

    @Test
    void signatureFieldsAreFoldedUnder78AndOversignTheUsualFields() throws Exception {
        String fields = sign(MESSAGE, RSA).substring(0, sign(MESSAGE, RSA).indexOf("From: Alice"));
        for (String line : fields.split("\r\n")) {
            assertThat(line.length()).as(line).isLessThan(78);
        }
        assertThat(fields).startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org;");
        TagList tags = TagList.parse(fields.substring(fields.indexOf(':') + 1));
        assertThat(tags.asMap().keySet()).containsExactly("v", "a", "c", "d", "s", "t", "h", "bh", "b");
        assertThat(tags.get("s")).contains("rsa2026");
        assertThat(tags.get("t")).contains(Long.toString(DkimFixtures.CLOCK.instant().getEpochSecond()));
        assertThat(tags.get("h").get().replaceAll("\\s", ""))
                .isEqualTo("From:From:To:To:Subject:Subject:Date:Date:Message-ID:Message-ID:MIME-Version:Content-Type");
    }

    @Test
    void aModifiedBodyFailsOnItsHash() {
        for (DkimKey key : List.of(RSA, ED)) {
            String tampered = sign(MESSAGE, key).replace("noon", "one");
            DkimVerdict v = verify(zone(), tampered).get(0);
            assertThat(v.result()).isEqualTo(Result.FAIL);
            assertThat(v.reason()).isEqualTo("body hash did not verify");
        }
    }

    @Test
    void relaxedBodyCanonicalizationToleratesWhitespaceChangesOnly() {
        String signed = sign(MESSAGE, ED);
        String respaced = signed.replace("Hello Bob,  \r\n", "Hello   Bob,\r\n").replace("\r\n\r\n\r\n", "\r\n\r\n\r\n\r\n\r\n");
        assertThat(verify(zone(), respaced).get(0).result()).isEqualTo(Result.PASS);
    }

    @Test
    void aModifiedSignedHeaderFails() {
        for (DkimKey key : List.of(RSA, ED)) {
            String tampered = sign(MESSAGE, key).replace("Subject: Lunch", "Subject: Dinner");
            DkimVerdict v = verify(zone(), tampered).get(0);
            assertThat(v.result()).isEqualTo(Result.FAIL);
            assertThat(v.reason()).isEqualTo("signature did not verify");
        }
    }

    @Test
    void relaxedHeaderCanonicalizationToleratesRefoldingAndCase() {
        String signed = sign(MESSAGE, RSA).replace("Subject: Lunch  on\r\n  Friday?", "SUBJECT:Lunch on Friday?  ");
        assertThat(verify(zone(), signed).get(0).result()).isEqualTo(Result.PASS);
    }

    @Test
    void anAddedFromOrSubjectFailsBecauseTheyAreOversigned() {
        String signed = sign(MESSAGE, ED);
        String twoFroms = signed.replace("Received:", "From: Mallory <m@evil.example>\r\nReceived:");
        assertThat(verify(zone(), twoFroms).get(0).result()).isEqualTo(Result.FAIL);
        String addedCc = signed.replace("Received:", "Cc: carol@example.net\r\nReceived:");
        assertThat(verify(zone(), addedCc).get(0).result()).as("Cc is absent and not oversigned").isEqualTo(Result.PASS);
        String addedUnsigned = signed.replace("Received:", "X-Spam: no\r\nReceived:");
        assertThat(verify(zone(), addedUnsigned).get(0).result()).isEqualTo(Result.PASS);
    }

    @Test
    void expiredSignatureIsPolicy() throws Exception {
        // our signer sets no x=; a signature with one, made from our pieces, valid for one hour
        long now = DkimFixtures.CLOCK.instant().getEpochSecond();
        HeaderSection header = HeaderSection.read(DkimFixtures.stream(MESSAGE));
        BodyHasher body = new BodyHasher(Canonicalization.RELAXED, -1);
        byte[] rest = header.body().readAllBytes();
        body.update(rest, 0, rest.length);
        FieldFolder field = new FieldFolder("DKIM-Signature").tag("v", "1").tag("a", "ed25519-sha256")
                .tag("c", "relaxed/relaxed").tag("d", "example.org").tag("s", "ed2026")
                .tag("t", Long.toString(now)).tag("x", Long.toString(now + 3600))
                .tag("h", "From:Subject").tag("bh", java.util.Base64.getEncoder().encodeToString(body.finish()));
        String signed = DkimSigner.signField(field, header, List.of("From", "Subject"), ED) + MESSAGE;
        assertThat(verify(zone(), signed).get(0).result()).isEqualTo(Result.PASS);
        Clock later = Clock.fixed(Instant.parse("2026-12-04T13:00:01Z"), ZoneOffset.UTC);
        DkimVerdict v = verify(zone(), signed, later).get(0);
        assertThat(v.result()).isEqualTo(Result.POLICY);
        assertThat(v.reason()).isEqualTo("signature expired (x=)");
    }

    @Test
    void strictKeysRefuseSubdomainIdentities() throws Exception {
        HeaderSection header = HeaderSection.read(DkimFixtures.stream(MESSAGE));
        BodyHasher body = new BodyHasher(Canonicalization.RELAXED, -1);
        byte[] rest = header.body().readAllBytes();
        body.update(rest, 0, rest.length);
        FieldFolder field = new FieldFolder("DKIM-Signature").tag("v", "1").tag("a", "ed25519-sha256")
                .tag("c", "relaxed/relaxed").tag("d", "example.org").tag("s", "ed2026").tag("i", "@news.example.org")
                .tag("h", "From").tag("bh", java.util.Base64.getEncoder().encodeToString(body.finish()));
        String signed = DkimSigner.signField(field, header, List.of("From"), ED) + MESSAGE;
        assertThat(verify(zone(), signed).get(0).result()).isEqualTo(Result.PASS);
        String record = DkimKeys.publicKeyRecord(DkimFixtures.ED_PAIR.getPublic()).replace("k=ed25519;", "k=ed25519; t=s;");
        MemoryDns strict = new MemoryDns().txt("ed2026._domainkey.example.org", record);
        assertThat(verify(strict, signed).get(0)).extracting(DkimVerdict::result, DkimVerdict::reason)
                .containsExactly(Result.PERMERROR, "key t=s forbids an i= subdomain");
    }

    @Test
    void revokedMissingAndUnreachableKeys() {
        String signed = sign(MESSAGE, ED);
        MemoryDns revoked = new MemoryDns().txt("ed2026._domainkey.example.org", "v=DKIM1; k=ed25519; p=");
        assertThat(verify(revoked, signed).get(0)).extracting(DkimVerdict::result, DkimVerdict::reason)
                .containsExactly(Result.PERMERROR, "key revoked (empty p=)");
        assertThat(verify(new MemoryDns(), signed).get(0).result()).isEqualTo(Result.PERMERROR);
        assertThat(verify(new MemoryDns().empty("ed2026._domainkey.example.org"), signed).get(0).result())
                .isEqualTo(Result.PERMERROR);
        MemoryDns failing = new MemoryDns().failing("ed2026._domainkey.example.org");
        assertThat(verify(failing, signed).get(0).result()).isEqualTo(Result.TEMPERROR);
    }

    @Test
    void keyRecordRestrictions() {
        String signed = sign(MESSAGE, RSA);
        String p = DkimKeys.publicKeyRecord(DkimFixtures.RSA_PAIR.getPublic()).replaceFirst("^.*p=", "");
        String name = "rsa2026._domainkey.example.org";
        assertThat(verify(new MemoryDns().txt(name, "v=DKIM1; h=sha1; p=" + p), signed).get(0).result())
                .isEqualTo(Result.PERMERROR);
        assertThat(verify(new MemoryDns().txt(name, "v=DKIM1; s=other; p=" + p), signed).get(0).result())
                .isEqualTo(Result.PERMERROR);
        assertThat(verify(new MemoryDns().txt(name, "v=DKIM1; k=ed25519; p=" + p), signed).get(0).result())
                .isEqualTo(Result.PERMERROR);
        assertThat(verify(new MemoryDns().txt(name, "k=rsa; v=DKIM1; p=" + p), signed).get(0).result())
                .as("v= not first").isEqualTo(Result.PERMERROR);
        assertThat(verify(new MemoryDns().txt(name, "v=DKIM1; h=sha1:sha256; s=email:*; t=y:s; p=" + p), signed).get(0))
                .extracting(DkimVerdict::result, DkimVerdict::reason).containsExactly(Result.PASS, "2048-bit key, testing");
        // several TXT records: the one that is a key is used
        assertThat(verify(new MemoryDns().txt(name, "google-site-verification=xyz", "v=DKIM1; p=" + p), signed)
                .get(0).result()).isEqualTo(Result.PASS);
    }

    @Test
    void shortRsaKeysAreRefusedByPolicy() throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
        g.initialize(512);
        java.security.KeyPair small = g.generateKeyPair();
        DkimKey key = new DkimKey("example.org", "small", DkimKey.Algorithm.RSA_SHA256, small.getPrivate());
        String signed = sign(MESSAGE, key);
        MemoryDns zone = new MemoryDns().txt("small._domainkey.example.org", DkimKeys.publicKeyRecord(small.getPublic()));
        assertThat(verify(zone, signed).get(0)).extracting(DkimVerdict::result, DkimVerdict::reason)
                .containsExactly(Result.POLICY, "512-bit RSA key is too short");
    }

    @Test
    void aPkcs1RsaKeyRecordIsAcceptedToo() throws Exception {
        // some publish the bare RSAPublicKey instead of the SubjectPublicKeyInfo: the SPKI's BIT STRING content
        byte[] spki = DkimFixtures.RSA_PAIR.getPublic().getEncoded();
        byte[] pkcs1 = java.util.Arrays.copyOfRange(spki, 24, spki.length); // 2048-bit SPKI: 24-octet prefix
        String record = "v=DKIM1; p=" + java.util.Base64.getEncoder().encodeToString(pkcs1);
        MemoryDns zone = new MemoryDns().txt("rsa2026._domainkey.example.org", record);
        assertThat(verify(zone, sign(MESSAGE, RSA)).get(0).result()).isEqualTo(Result.PASS);
    }

    @Test
    void noSignatureGivesNoVerdictAndNoDnsQuestion() {
        MemoryDns zone = zone();
        assertThat(verify(zone, MESSAGE)).isEmpty();
        assertThat(zone.queries()).isZero();
    }

    @Test
    void aBadBodyHashAsksNoDnsQuestion() {
        MemoryDns zone = zone();
        verify(zone, sign(MESSAGE, RSA).replace("noon", "one"));
        assertThat(zone.queries()).isZero();
    }

    @Test
    void bareLfMessagesVerifyAsTheirCrlfForm() {
        String signed = sign(MESSAGE, RSA, ED).replace("\r\n", "\n");
        assertThat(verify(zone(), signed)).extracting(DkimVerdict::result).containsOnly(Result.PASS);
    }

    @Test
    void emptyAndHeaderOnlyMessages() {
        String headerOnly = "From: a@example.org\r\nSubject: x\r\n";
        assertThat(verify(zone(), sign(headerOnly, RSA, ED))).extracting(DkimVerdict::result).containsOnly(Result.PASS);
        String emptyBody = "From: a@example.org\r\n\r\n";
        assertThat(verify(zone(), sign(emptyBody, ED))).extracting(DkimVerdict::result).containsOnly(Result.PASS);
        assertThat(verify(zone(), "")).isEmpty();
    }
}
