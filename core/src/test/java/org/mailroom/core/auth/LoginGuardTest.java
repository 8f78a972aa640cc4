package org.mailroom.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
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
    void aNewConnectionFromTheSameNetworkIsSlowedOncePastHalfTheRateUntilTheWindowEnds() throws Exception {
        // 15 failures (half of 30 a minute) cost a network nothing beyond each connection's own delays.
        for (int i = 0; i < 15; i++) assertThat(guard.connection(ip("192.0.2.1")).failed()).isEqualTo(Duration.ofSeconds(2));
        LoginGuard.Connection again = guard.connection(ip("192.0.2.1"));
        assertThat(again.failed()).isEqualTo(Duration.ofSeconds(2)); // the 16th: the network's delay starts
        assertThat(again.failed()).isEqualTo(Duration.ofSeconds(4));
        assertThat(guard.connection(ip("192.0.2.1")).failed()).isEqualTo(Duration.ofSeconds(8));
        assertThat(guard.connection(ip("192.0.2.2")).failed()).isEqualTo(Duration.ofSeconds(2)); // other client
        for (int i = 0; i < 5; i++) guard.connection(ip("192.0.2.1")).failed();
        assertThat(guard.connection(ip("192.0.2.1")).failed()).isEqualTo(Duration.ofSeconds(30)); // capped

        clock.advance(Duration.ofMinutes(1));
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
        assertThat(c.failed()).isEqualTo(Duration.ofSeconds(2));
        // The network's three failures still count towards its 30 a minute.
        for (int i = 0; i < 26; i++) guard.connection(ip("192.0.2.1")).failed();
        guard.connection(ip("192.0.2.1")).succeeded();
        assertThat(guard.connection(ip("192.0.2.1")).mayAttempt()).isTrue();
        guard.connection(ip("192.0.2.1")).failed();
        assertThat(guard.connection(ip("192.0.2.1")).mayAttempt()).isFalse();
    }

    @Test
    void successesNeverCountAgainstANetwork() throws Exception {
        // A webmail or a monitor: 10,000 logins in a minute from one address, all good.
        for (int i = 0; i < 10_000; i++) {
            LoginGuard.Connection c = guard.connection(ip("192.0.2.1"));
            assertThat(c.mayAttempt()).isTrue();
            c.succeeded();
        }
        assertThat(guard.blocked(ip("192.0.2.1"))).isFalse();
    }

    @Test
    void anOfficeBehindOneAddressWithTyposIsNeverBlockedNorSlowedBeyondItsOwnConnection() throws Exception {
        // 50 users behind one NAT address log in all day; every minute two of them mistype once.
        for (int minute = 0; minute < 60; minute++) {
            for (int user = 0; user < 50; user++) {
                LoginGuard.Connection c = guard.connection(ip("203.0.113.5"));
                assertThat(c.mayAttempt()).isTrue();
                if (user < 2) assertThat(c.failed()).isEqualTo(Duration.ofSeconds(2));
                assertThat(c.mayAttempt()).isTrue();
                c.succeeded();
            }
            clock.advance(Duration.ofMinutes(1));
        }
    }

    @Test
    void failuresPerNetworkAreLimitedPerWindowThenBlockedLongerEachTimeThenForgiven() throws Exception {
        InetAddress attacker = ip("192.0.2.1");
        for (int i = 0; i < 29; i++) {
            LoginGuard.Connection c = guard.connection(attacker);
            assertThat(c.mayAttempt()).isTrue();
            c.failed();
        }
        assertThat(guard.connection(attacker).mayAttempt()).isTrue();
        guard.connection(attacker).failed(); // the 30th this minute blocks the network
        assertThat(guard.connection(attacker).mayAttempt()).isFalse();
        assertThat(guard.connection(ip("192.0.2.9")).mayAttempt()).isTrue(); // only that network
        // Blocks of 1, 2, 4, 8, then 15 minutes, each after another 30 failures.
        long[] blockMinutes = {1, 2, 4, 8, 15, 15};
        for (long minutes : blockMinutes) {
            clock.advance(Duration.ofMinutes(minutes).minusSeconds(1));
            assertThat(guard.connection(attacker).mayAttempt()).as("blocked for %d min", minutes).isFalse();
            clock.advance(Duration.ofSeconds(1));
            assertThat(guard.connection(attacker).mayAttempt()).isTrue();
            for (int i = 0; i < 30; i++) guard.connection(attacker).failed();
            assertThat(guard.connection(attacker).mayAttempt()).isFalse();
        }
        // Quiet for more than 15 minutes after its last block: forgiven, the next block is one minute again.
        clock.advance(Duration.ofMinutes(15 + 16));
        assertThat(guard.connection(attacker).mayAttempt()).isTrue();
        for (int i = 0; i < 30; i++) guard.connection(attacker).failed();
        clock.advance(Duration.ofMinutes(1));
        assertThat(guard.connection(attacker).mayAttempt()).isTrue();
    }

    @Test
    void failuresSpreadOverWindowsNeverBlock() throws Exception {
        for (int minute = 0; minute < 30; minute++) {
            for (int i = 0; i < 29; i++) guard.connection(ip("192.0.2.1")).failed();
            assertThat(guard.connection(ip("192.0.2.1")).mayAttempt()).isTrue();
            clock.advance(Duration.ofMinutes(1));
        }
    }

    @Test
    void trustedNetworksAreNeverBlockedButStillDelayedAndCutPerConnection() throws Exception {
        LoginGuard trusting = new LoginGuard(LoginGuard.Settings.defaults(3)
                .withTrusted(TrustedNetworks.parse(List.of("10.0.0.0/8", "2001:db8::/32"))), clock);
        for (int i = 0; i < 1000; i++) {
            LoginGuard.Connection c = trusting.connection(ip("10.1.2.3"));
            assertThat(c.mayAttempt()).isTrue();
            assertThat(c.failed()).isEqualTo(Duration.ofSeconds(2)); // its own first failure, not the network's
        }
        LoginGuard.Connection c = trusting.connection(ip("2001:db8:5::1"));
        assertThat(c.failed()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.failed()).isEqualTo(Duration.ofSeconds(4));
        assertThat(c.failed()).isEqualTo(Duration.ofSeconds(8));
        assertThat(c.exhausted()).isTrue();
        // Outside the trusted networks, the rate holds.
        for (int i = 0; i < 30; i++) trusting.connection(ip("11.0.0.1")).failed();
        assertThat(trusting.connection(ip("11.0.0.1")).mayAttempt()).isFalse();
    }

    @Test
    void loopbackIsTrustedByDefault() throws Exception {
        for (int i = 0; i < 100; i++) guard.connection(ip("127.0.0.1")).failed();
        assertThat(guard.connection(ip("127.0.0.1")).mayAttempt()).isTrue();
        assertThat(guard.connection(ip("::1")).mayAttempt()).isTrue();
        // Unknown peers (tests without a socket) are not trusted.
        for (int i = 0; i < 30; i++) guard.connection(null).failed();
        assertThat(guard.connection(null).mayAttempt()).isFalse();
    }

    @Test
    void trustedNetworksParse() throws Exception {
        TrustedNetworks n = TrustedNetworks.parse(List.of("192.0.2.0/25", "198.51.100.7", "2001:db8::/126", "0.0.0.0/0"));
        assertThat(n.contains(ip("192.0.2.127"))).isTrue();
        assertThat(n.contains(ip("8.8.8.8"))).isTrue(); // 0.0.0.0/0
        TrustedNetworks m = TrustedNetworks.parse(List.of("192.0.2.0/25", "198.51.100.7", "2001:db8::/126"));
        assertThat(m.contains(ip("192.0.2.128"))).isFalse();
        assertThat(m.contains(ip("198.51.100.7"))).isTrue();
        assertThat(m.contains(ip("198.51.100.8"))).isFalse();
        assertThat(m.contains(ip("2001:db8::3"))).isTrue();
        assertThat(m.contains(ip("2001:db8::4"))).isFalse();
        assertThat(m.contains(ip("::ffff:198.51.100.7"))).isTrue(); // a mapped IPv4 address is that address
        for (String bad : new String[] {"example.org", "10.0.0.0/33", "::1/129", "10.0.0/8", "", "10.0.0.1/x"}) {
            assertThatThrownBy(() -> TrustedNetworks.parse(List.of(bad))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void ipv6AddressesOfOneSlash64ShareABucket() throws Exception {
        LoginGuard small = new LoginGuard(new LoginGuard.Settings(Duration.ZERO, Duration.ZERO, 3, 2,
                Duration.ofMinutes(1), Duration.ofMinutes(15), 1000), clock);
        small.connection(ip("2001:db8:1:2::1")).failed();
        assertThat(small.connection(ip("2001:db8:1:2::ffff")).mayAttempt()).isTrue();
        small.connection(ip("2001:db8:1:2::ffff")).failed();
        assertThat(small.connection(ip("2001:db8:1:2:abcd::9")).mayAttempt()).isFalse();
        assertThat(small.connection(ip("2001:db8:1:3::1")).mayAttempt()).isTrue();
        assertThat(LoginGuard.networkOf(ip("2001:db8:1:2:abcd::9"))).isEqualTo("2001:db8:1:2::/64");
        // An IPv4 client reported as IPv4-mapped IPv6 (a dual-stack socket) is that IPv4 address, not a /64.
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 7};
        InetAddress v6 = java.net.Inet6Address.getByAddress(null, mapped, -1);
        assertThat(LoginGuard.networkOf(v6)).isEqualTo("192.0.2.7");
        assertThat(TrustedNetworks.parse(List.of("192.0.2.0/24")).contains(v6)).isTrue();
        // Zero base delay: no waiting, limits still apply.
        LoginGuard.Connection c = small.connection(ip("192.0.2.1"));
        assertThat(c.failed()).isZero();
    }

    @Test
    void trackedNetworksStayBounded() throws Exception {
        LoginGuard small = new LoginGuard(new LoginGuard.Settings(Duration.ofSeconds(2), Duration.ofSeconds(30), 3, 5,
                Duration.ofMinutes(1), Duration.ofMinutes(15), 10), clock);
        for (int i = 0; i < 50; i++) small.connection(ip("198.51.100." + i)).failed();
        // A flood of addresses made the guard forget, never grow past its bound.
        assertThat(small.connection(ip("198.51.100.1")).mayAttempt()).isTrue();
    }
}
