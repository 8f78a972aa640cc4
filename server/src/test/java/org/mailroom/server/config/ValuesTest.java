package org.mailroom.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The small parsers behind listen addresses, durations and sizes. */
class ValuesTest {

    @Test
    void listenAddresses() throws Exception {
        assertThat(ListenSection.address("listen.smtp", ":25")).contains(new InetSocketAddress(25));
        assertThat(ListenSection.address("listen.smtp", "127.0.0.1:2525"))
                .contains(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 2525));
        assertThat(ListenSection.address("listen.smtp", "[::1]:2525"))
                .contains(new InetSocketAddress(InetAddress.getByName("::1"), 2525));
        assertThat(ListenSection.address("listen.smtp", ":0")).contains(new InetSocketAddress(0));
        assertThat(ListenSection.address("listen.smtp", "")).isEqualTo(Optional.empty());
        assertThat(ListenSection.address("listen.smtp", "  ")).isEmpty();
        for (String bad : new String[] {"25", "127.0.0.1", ":", ":port", ":99999", "[::1", "[::1]25", "[1.2.3.4]:25", "a b:25"}) {
            assertThatThrownBy(() -> ListenSection.address("listen.imaps", bad))
                    .as(bad).isInstanceOf(ConfigException.class).hasMessageStartingWith("listen.imaps: ");
        }
        assertThatThrownBy(() -> ListenSection.address("listen.imap", "::1:143"))
                .hasMessage("listen.imap: put an IPv6 address in brackets, as in \"[::1]:25\", got \"::1:143\"");
        assertThatThrownBy(() -> ListenSection.address("listen.imap", "no-such-host.invalid:143"))
                .hasMessage("listen.imap: cannot resolve host \"no-such-host.invalid\"");
    }

    @Test
    void hostPorts() {
        assertThat(HostPort.parse("mx.example.org", 25)).isEqualTo(new HostPort("mx.example.org", 25));
        assertThat(HostPort.parse("mx.example.org:2525", 25)).isEqualTo(new HostPort("mx.example.org", 2525));
        assertThat(HostPort.parse("[2001:db8::1]", 53)).isEqualTo(new HostPort("2001:db8::1", 53));
        assertThat(HostPort.parse("[2001:db8::1]:53", 53).toString()).isEqualTo("[2001:db8::1]:53");
        assertThatThrownBy(() -> HostPort.parse("mx.example.org", -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void durations() {
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("4h")).isEqualTo(Duration.ofHours(4));
        assertThat(Durations.parse("5d")).isEqualTo(Duration.ofDays(5));
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse(" 2H ")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.parse("0")).isEqualTo(Duration.ZERO);
        for (String bad : new String[] {"", "5", "m", "5x", "-5m", "5 m", "1.5h", "PT5M", "99999999999999d"}) {
            assertThatThrownBy(() -> Durations.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("\"" + bad + "\"");
        }
        for (String text : new String[] {"5m", "1h30m", "5d", "2d4h", "30s", "250ms", "0"}) {
            assertThat(Durations.format(Durations.parse(text))).isEqualTo(text);
        }
    }

    @Test
    void sizes() {
        assertThat(Sizes.parse("36700160")).isEqualTo(36_700_160L);
        assertThat(Sizes.parse("35MiB")).isEqualTo(36_700_160L);
        assertThat(Sizes.parse("10MB")).isEqualTo(10_000_000L);
        assertThat(Sizes.parse("10 mb")).isEqualTo(10_000_000L);
        assertThat(Sizes.parse("64KiB")).isEqualTo(65_536L);
        assertThat(Sizes.parse("1kb")).isEqualTo(1000L);
        assertThat(Sizes.parse("2GiB")).isEqualTo(2L << 30);
        assertThat(Sizes.parse("100B")).isEqualTo(100L);
        // One letter, as Dovecot writes them (./mailroom user quota alice 500M): powers of 1024.
        assertThat(Sizes.parse("500M")).isEqualTo(500L << 20);
        assertThat(Sizes.parse("2G")).isEqualTo(2L << 30);
        assertThat(Sizes.parse("64k")).isEqualTo(65_536L);
        for (String bad : new String[] {"", "MiB", "10 furlongs", "-1", "1.5MB"}) {
            assertThatThrownBy(() -> Sizes.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
