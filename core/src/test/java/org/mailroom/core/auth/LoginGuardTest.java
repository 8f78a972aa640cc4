package org.mailroom.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Delays, per-connection limits and per-network rates under a test clock. */
class LoginGuardTest {

    private final MutableClock clock = new MutableClock();
    private final LoginGuard guard = new LoginGuard(LoginGuard.Settings.defaults(3), clock);

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void delayGrowsAndTheThirdFailureExhaustsTheConnection() throws Exception {
        LoginGuard.Connection c = guard.connection(ip("192.0.2.1"));
        assertThat(c.failed()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.exhausted()).isFalse();
        assertThat(c.failed()).isEqualTo(Duration.ofSeconds(4));
        assertThat(c.failed()).isEqualTo(Duration.ofSeconds(8));
        assertThat(c.exhausted()).isTrue();
    }

    @Test
    void aNewConnectionFromTheSameNetworkKeepsItsDelayUntilItIsForgotten() throws Exception {
        for (int i = 0; i < 3; i++) guard.connection(ip("192.0.2.1")).failed();
        LoginGuard.Connection again = guard.connection(ip("192.0.2.1"));
        assertThat(again.failed()).isEqualTo(Duration.ofSeconds(16));
        assertThat(again.exhausted()).isFalse(); // its own count is 1
        assertThat(guard.connection(ip("192.0.2.2")).failed()).isEqualTo(Duration.ofSeconds(2)); // other client
        for (int i = 0; i < 5; i++) again.failed();
        assertThat(again.failed()).isEqualTo(Duration.ofSeconds(30)); // capped

        clock.advance(Duration.ofMinutes(16));
        assertThat(guard.connection(ip("192.0.2.1")).failed()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void successResetsTheConnectionButNotTheNetwork() throws Exception {
        LoginGuard.Connection c = guard.connection(ip("192.0.2.1"));
        c.failed();
        c.failed();
        c.succeeded();
        assertThat(c.failures()).isZero();
        assertThat(c.exhausted()).isFalse();
        assertThat(c.failed()).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void attemptsPerNetworkAreRateLimitedPerWindow() throws Exception {
        for (int i = 0; i < 30; i++) {
            assertThat(guard.connection(ip("192.0.2.1")).mayAttempt()).isTrue();
        }
        assertThat(guard.connection(ip("192.0.2.1")).mayAttempt()).isFalse();
        assertThat(guard.connection(ip("192.0.2.9")).mayAttempt()).isTrue();
        clock.advance(Duration.ofSeconds(59));
        assertThat(guard.connection(ip("192.0.2.1")).mayAttempt()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(guard.connection(ip("192.0.2.1")).mayAttempt()).isTrue();
    }

    @Test
    void ipv6AddressesOfOneSlash64ShareABucket() throws Exception {
        LoginGuard small = new LoginGuard(new LoginGuard.Settings(Duration.ZERO, Duration.ZERO, 3, 2,
                Duration.ofMinutes(1), Duration.ofMinutes(15), 1000), clock);
        assertThat(small.connection(ip("2001:db8:1:2::1")).mayAttempt()).isTrue();
        assertThat(small.connection(ip("2001:db8:1:2::ffff")).mayAttempt()).isTrue();
        assertThat(small.connection(ip("2001:db8:1:2:abcd::9")).mayAttempt()).isFalse();
        assertThat(small.connection(ip("2001:db8:1:3::1")).mayAttempt()).isTrue();
        // Zero base delay: no waiting, limits still apply.
        LoginGuard.Connection c = small.connection(ip("192.0.2.1"));
        assertThat(c.failed()).isZero();
    }

    @Test
    void trackedNetworksStayBounded() throws Exception {
        LoginGuard small = new LoginGuard(new LoginGuard.Settings(Duration.ofSeconds(2), Duration.ofSeconds(30), 3, 5,
                Duration.ofMinutes(1), Duration.ofMinutes(15), 10), clock);
        for (int i = 0; i < 50; i++) small.connection(ip("198.51.100." + i)).mayAttempt();
        // A flood of addresses made the guard forget, never grow past its bound.
        assertThat(small.connection(ip("198.51.100.1")).mayAttempt()).isTrue();
    }
}
