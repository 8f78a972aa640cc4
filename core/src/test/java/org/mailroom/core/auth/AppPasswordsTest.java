package org.mailroom.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AppPasswordsTest {

    @Test
    void generatedPasswordsAreFourGroupsOfFourLetters() {
        String one = new String(AppPasswords.generate());
        assertThat(one).matches("[a-z]{4}-[a-z]{4}-[a-z]{4}-[a-z]{4}");
        assertThat(new String(AppPasswords.generate())).isNotEqualTo(one);
    }

    @Test
    void everySpellingGivesTheSameDigest() {
        String digest = AppPasswords.digest("abcd-efgh-ijkl-mnop".toCharArray());
        assertThat(digest).hasSize(64);
        assertThat(AppPasswords.digest("ABCD EFGH ijkl mnop".toCharArray())).isEqualTo(digest);
        assertThat(AppPasswords.digest("abcdefghijklmnop".toCharArray())).isEqualTo(digest);
        assertThat(AppPasswords.digest("abcd-efgh-ijkl-mnoq".toCharArray())).isNotEqualTo(digest);
    }

    @Test
    void otherShapesAreNotAppPasswords() {
        assertThat(AppPasswords.digest("secret".toCharArray())).isNull();
        assertThat(AppPasswords.digest("abcd-efgh-ijkl-mnop-q".toCharArray())).isNull();
        assertThat(AppPasswords.digest("abcd-efgh-ijkl-mno1".toCharArray())).isNull();
    }
}
