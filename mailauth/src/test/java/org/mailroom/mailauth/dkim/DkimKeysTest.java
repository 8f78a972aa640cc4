package org.mailroom.mailauth.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailroom.mailauth.dkim.DkimVerdict.Result;
import org.mailroom.mailauth.testing.MemoryDns;

class DkimKeysTest {

    @Test
    void storedKeysComeBackAndTheirRecordsVerifyTheirSignatures() {
        for (DkimKey.Algorithm algorithm : DkimKey.Algorithm.values()) {
            KeyPair pair = algorithm == DkimKey.Algorithm.RSA_SHA256 ? DkimFixtures.RSA_PAIR : DkimFixtures.ED_PAIR;
            String stored = DkimKeys.encodePrivateKey(pair.getPrivate());
            assertThat(stored).doesNotContain("\n", " ");
            DkimKey key = DkimKeys.decode("example.com", "s1", algorithm, stored);
            assertThat(key.privateKey().getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
            String record = DkimKeys.publicKeyRecord(key);
            assertThat(record).isEqualTo(DkimKeys.publicKeyRecord(pair.getPublic()))
                    .startsWith("v=DKIM1; k=" + algorithm.keyType() + "; p=");
            MemoryDns zone = new MemoryDns().txt("s1._domainkey.example.com", record);
            String signed = DkimFixtures.sign(DkimFixtures.MESSAGE, key);
            assertThat(DkimFixtures.verify(zone, signed)).extracting(DkimVerdict::result).containsExactly(Result.PASS);
        }
    }

    @Test
    void ed25519RecordHoldsTheRaw32OctetKey() {
        KeyPair pair = DkimKeys.generate(DkimKey.Algorithm.ED25519_SHA256);
        String p = DkimKeys.publicKeyRecord(pair.getPublic()).replaceFirst(".*p=", "");
        assertThat(java.util.Base64.getDecoder().decode(p)).hasSize(32);
        DkimKey key = new DkimKey("x.example", "s", DkimKey.Algorithm.ED25519_SHA256, pair.getPrivate());
        assertThat(DkimKeys.publicKeyRecord(key)).isEqualTo(DkimKeys.publicKeyRecord(pair.getPublic()));
    }

    @Test
    void rsaKeysAre2048Bits() {
        KeyPair pair = DkimFixtures.RSA_PAIR;
        assertThat(((java.security.interfaces.RSAPublicKey) pair.getPublic()).getModulus().bitLength()).isEqualTo(2048);
    }

    @Test
    void pemArmourIsAccepted() {
        String stored = DkimKeys.encodePrivateKey(DkimFixtures.RSA_PAIR.getPrivate());
        String pem = "-----BEGIN PRIVATE KEY-----\n" + String.join("\n", split(stored, 64)) + "\n-----END PRIVATE KEY-----\n";
        assertThat(DkimKeys.decode("e.example", "s", DkimKey.Algorithm.RSA_SHA256, pem).privateKey())
                .isEqualTo(DkimFixtures.RSA_PAIR.getPrivate());
    }

    @Test
    void garbageIsRefusedWithIllegalArgument() {
        assertThatThrownBy(() -> DkimKeys.decode("e.example", "s", DkimKey.Algorithm.RSA_SHA256, "not a key"))
                .isInstanceOf(IllegalArgumentException.class);
        String ed = DkimKeys.encodePrivateKey(DkimFixtures.ED_PAIR.getPrivate());
        assertThatThrownBy(() -> DkimKeys.decode("e.example", "s", DkimKey.Algorithm.RSA_SHA256, ed))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<String> split(String s, int n) {
        List<String> parts = new java.util.ArrayList<>();
        for (int i = 0; i < s.length(); i += n) {
            parts.add(s.substring(i, Math.min(s.length(), i + n)));
        }
        return parts;
    }
}
