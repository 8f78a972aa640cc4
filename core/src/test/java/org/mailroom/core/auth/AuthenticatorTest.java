package org.mailroom.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The cheap-login cache: hits skip the directory's hashing, and end with a password change or the TTL. */
class AuthenticatorTest {

    static final String ALICE = "alice@example.test";

    private final MutableClock clock = new MutableClock();
    private final TestDirectory directory = new TestDirectory();
    private final Authenticator authenticator = new Authenticator(directory, clock);

    AuthenticatorTest() {
        directory.addAccount(ALICE, "secret".toCharArray());
    }

    @Test
    void aSuccessIsRememberedAndAFailureIsNot() throws Exception {
        assertThat(authenticator.verifyPassword(ALICE, "secret".toCharArray())).contains(ALICE);
        assertThat(authenticator.verifyPassword(ALICE, "secret".toCharArray())).contains(ALICE);
        assertThat(directory.authenticateCalls).isEqualTo(1);
        assertThat(authenticator.verifyPassword(ALICE, "wrong".toCharArray())).isEmpty();
        assertThat(authenticator.verifyPassword(ALICE, "wrong".toCharArray())).isEmpty();
        assertThat(directory.authenticateCalls).isEqualTo(3);
        // Another spelling of the login is another key: checked once more, then remembered too.
        assertThat(authenticator.verifyPassword("ALICE@example.test", "secret".toCharArray())).contains(ALICE);
        assertThat(directory.authenticateCalls).isEqualTo(4);
    }

    @Test
    void aPasswordChangeEndsTheCachedLoginAtOnce() throws Exception {
        authenticator.verifyPassword(ALICE, "secret".toCharArray());
        directory.setPassword(ALICE, "new one".toCharArray());
        assertThat(authenticator.verifyPassword(ALICE, "secret".toCharArray())).isEmpty();
        assertThat(authenticator.verifyPassword(ALICE, "new one".toCharArray())).contains(ALICE);
    }

    @Test
    void entriesExpire() throws Exception {
        authenticator.verifyPassword(ALICE, "secret".toCharArray());
        clock.advance(Authenticator.DEFAULT_CACHE_TTL.minusSeconds(1));
        authenticator.verifyPassword(ALICE, "secret".toCharArray());
        assertThat(directory.authenticateCalls).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        authenticator.verifyPassword(ALICE, "secret".toCharArray());
        assertThat(directory.authenticateCalls).isEqualTo(2);
    }

    @Test
    void zeroTtlTurnsTheCacheOff() throws Exception {
        Authenticator uncached = new Authenticator(directory, clock, Duration.ZERO, 10);
        uncached.verifyPassword(ALICE, "secret".toCharArray());
        uncached.verifyPassword(ALICE, "secret".toCharArray());
        assertThat(directory.authenticateCalls).isEqualTo(2);
    }
}
