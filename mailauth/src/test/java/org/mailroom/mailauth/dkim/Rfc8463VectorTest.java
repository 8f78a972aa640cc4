package org.mailroom.mailauth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailroom.mailauth.dkim.DkimVerdict.Result;
import org.mailroom.mailauth.testing.MemoryDns;

/**
 * RFC 8463 appendix A: the signed example message (A.3) with its two keys (A.2), the Ed25519 one being RFC 8032
 * section 7.1's TEST 1 key (A.1).
 */
class Rfc8463VectorTest {

    static final String ED_RECORD = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
    static final String RSA_RECORD = "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB";
    /** RFC 8032 section 7.1 TEST 1 (= RFC 8463 A.1) secret key and public key. */
    static final String RFC8032_SECRET = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    static final String RFC8032_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    static MemoryDns zone() {
        return new MemoryDns()
                .txt("brisbane._domainkey.football.example.com", ED_RECORD)
                .txt("test._domainkey.football.example.com", RSA_RECORD);
    }

    static byte[] message() throws IOException {
        try (InputStream in = Rfc8463VectorTest.class.getResourceAsStream("/dkim/rfc8463-a3.eml")) {
            return in.readAllBytes();
        }
    }

    @Test
    void theSignedExampleVerifiesWithBothAlgorithms() throws IOException {
        Clock clock = Clock.fixed(Instant.parse("2018-06-02T05:00:00Z"), ZoneOffset.UTC);
        List<DkimVerdict> verdicts = new DkimVerifier(zone(), clock).verify(new ByteArrayInputStream(message()));
        assertThat(verdicts).extracting(DkimVerdict::result).containsExactly(Result.PASS, Result.PASS);
        assertThat(verdicts).extracting(DkimVerdict::algorithm).containsExactly("ed25519-sha256", "rsa-sha256");
        assertThat(verdicts.get(0).signaturePrefix()).isEqualTo("9/dsDChY");
        assertThat(verdicts.get(1).reason()).isEqualTo("1024-bit key");
    }

    @Test
    void ourBodyCanonicalizationReproducesTheExampleBodyHash() throws IOException {
        byte[] message = message();
        String text = new String(message, StandardCharsets.ISO_8859_1);
        byte[] body = text.substring(text.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.ISO_8859_1);
        BodyHasher simple = new BodyHasher(Canonicalization.SIMPLE, -1);
        simple.update(body, 0, body.length);
        assertThat(Base64.getEncoder().encodeToString(simple.finish()))
                .isEqualTo("4bLNXImK9drULnmePzZNEBleUanJCX5PIsDIFoH4KTQ=");
    }

    @Test
    void aModifiedExampleFails() throws IOException {
        String text = new String(message(), StandardCharsets.ISO_8859_1).replace("Is dinner ready?", "Is lunch ready?");
        Clock clock = Clock.systemUTC();
        List<DkimVerdict> verdicts = new DkimVerifier(zone(), clock)
                .verify(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(verdicts).extracting(DkimVerdict::result).containsExactly(Result.FAIL, Result.FAIL);
    }

    @Test
    void theRfc8032KeyDerivesItsPublicKeyAndSignsTheExampleAgain() throws Exception {
        byte[] seed = HexFormat.of().parseHex(RFC8032_SECRET);
        DkimKey key = DkimKeys.decode("football.example.com", "brisbane", DkimKey.Algorithm.ED25519_SHA256,
                Base64.getEncoder().encodeToString(seed));
        assertThat(HexFormat.of().formatHex(DkimKeys.rawEd25519(DkimKeys.publicKey(key)))).isEqualTo(RFC8032_PUBLIC);
        assertThat(DkimKeys.publicKeyRecord(key)).isEqualTo(ED_RECORD);
        // Ed25519 is deterministic: our signer over the example's own tags reproduces its b= exactly
        String text = new String(message(), StandardCharsets.ISO_8859_1);
        HeaderSection header = HeaderSection.read(new ByteArrayInputStream(message()));
        HeaderSection.Field sig = header.named("DKIM-Signature").get(0);
        SignatureTags tags = SignatureTags.parse(sig, SignatureTags.Kind.DKIM);
        byte[] data = SignatureCheck.headerData(header.select(tags.signedHeaders()), Canonicalization.SIMPLE, sig.raw());
        assertThat(DkimSigner.sign(key, data)).isEqualTo(Base64.getEncoder().encodeToString(tags.signature()));
        assertThat(text).contains("b=9/dsDChY");
    }
}
