package org.mailroom.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHashTest {

    @Test
    void hashHasPhcFormWithDefaults() {
        String phc = PasswordHash.hash("secret".toCharArray());
        assertThat(phc).matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
    }

    @Test
    void roundTripAndWrongPassword() {
        String phc = PasswordHash.hash("correct horse ü".toCharArray());
        assertThat(PasswordHash.verify(phc, "correct horse ü".toCharArray())).isTrue();
        assertThat(PasswordHash.verify(phc, "correct horse u".toCharArray())).isFalse();
        assertThat(PasswordHash.hash("x".toCharArray())).isNotEqualTo(PasswordHash.hash("x".toCharArray()));
    }

    @Test
    void weakParametersAreAcceptedButNeedRehash() {
        // A cheap hash made elsewhere parses (its check runs with its own costs) and asks for a rehash.
        String weak = "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$"
                + "0000000000000000000000000000000000000000000";
        assertThat(PasswordHash.verify(weak, "password".toCharArray())).isFalse();
        assertThat(PasswordHash.needsRehash(weak)).isTrue();
    }

    @Test
    void malformedStringsAreRejectedQuietly() {
        String good = PasswordHash.hash("pw".toCharArray());
        String[] bad = {
            null, "", "plain", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
            "$argon2id$v=16$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
            "$argon2id$v=19$m=99999999999,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
            "$argon2id$v=19$m=19456,t=0,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
            "$argon2id$v=19$m=19456,t=2$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
            "$argon2id$v=19$m=19456,t=2,p=1$!!!$aGFzaGhhc2hoYXNoaGFzaA",
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA",
            good + "$extra", good.substring(0, good.length() - 30),
        };
        for (String phc : bad) {
            assertThat(PasswordHash.verify(phc, "pw".toCharArray())).as(phc).isFalse();
            assertThat(PasswordHash.needsRehash(phc)).as(phc).isTrue();
        }
    }

    @Test
    void needsRehashOnlyBelowDefaults() {
        assertThat(PasswordHash.needsRehash(PasswordHash.hash("pw".toCharArray()))).isFalse();
        String stronger = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$"
                + "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
        assertThat(PasswordHash.needsRehash(stronger)).isFalse();
        assertThat(PasswordHash.needsRehash(stronger.replace("t=3", "t=1"))).isTrue();
        assertThat(PasswordHash.needsRehash(stronger.replace("m=65536", "m=4096"))).isTrue();
    }

    @Test
    void dummyVerifyDoesTheWorkWithoutFailing() {
        PasswordHash.dummyVerify("anything".toCharArray());
        PasswordHash.dummyVerify(new char[0]);
        assertThat(PasswordHash.verify(PasswordHash.hash(new char[0]), new char[0])).isTrue();
    }

    @Test
    void argon2MemoryBudgetFollowsCoresAndHeap() {
        long gib = 1L << 30;
        long mib = 1L << 20;
        // Two runs on two cores (or fewer) with a large heap; one per core beyond.
        assertThat(PasswordHash.memoryBudgetKib(1, 6 * gib)).isEqualTo(2 * PasswordHash.MEMORY_KIB);
        assertThat(PasswordHash.memoryBudgetKib(8, 6 * gib)).isEqualTo(8 * PasswordHash.MEMORY_KIB);
        // A third of a 128 MiB heap on 16 cores: two runs fit, not sixteen.
        assertThat(PasswordHash.memoryBudgetKib(16, 128 * mib) / PasswordHash.MEMORY_KIB).isEqualTo(2);
        // A tiny heap still allows one run.
        assertThat(PasswordHash.memoryBudgetKib(2, 48 * mib)).isEqualTo(PasswordHash.MEMORY_KIB);
    }
}
