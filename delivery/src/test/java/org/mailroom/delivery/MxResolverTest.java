package org.mailroom.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mailroom.delivery.MxResolver.Host;
import org.mailroom.delivery.MxResolver.Kind;
import org.mailroom.delivery.MxResolver.Route;
import org.mailroom.delivery.dns.DnsjavaResolver;
import org.mailroom.delivery.testing.MutableClock;
import org.mailroom.delivery.testing.TestDnsServer;

/** MX resolution against a real DNS server on loopback (UDP), with the zones of RFC 5321 section 5.1. */
class MxResolverTest {

    private TestDnsServer dns;
    private DnsjavaResolver resolver;

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start();
        dns.mx("b.test", 20, "backup.b.test").mx("b.test", 10, "mx1.b.test").mx("b.test", 10, "mx2.b.test")
                .a("mx1.b.test", "127.0.0.11").a("mx2.b.test", "127.0.0.12").a("backup.b.test", "127.0.0.13")
                .a("backup.b.test", "::1")
                .a("implicit.test", "127.0.0.20")
                .nullMx("nomail.test")
                .servfail("broken.test")
                .silent("slow.test")
                .mx("alias.test", 5, "www.alias.test").cname("www.alias.test", "host.alias.test")
                .a("host.alias.test", "127.0.0.30")
                .exists("empty.test")
                .mx("self.test", 10, "mx.self.test").mx("self.test", 20, "mx.a.test").a("mx.self.test", "127.0.0.40")
                .mx("loop.test", 10, "mx.a.test").a("mx.a.test", "127.0.0.1")
                .mx("dangling.test", 10, "gone.dangling.test");
        resolver = new DnsjavaResolver(List.of(dns.address()), Duration.ofMillis(300), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    private MxResolver mx(long seed) {
        return new MxResolver(resolver, 2525, Set.of("mx.a.test"), null, 0, new Random(seed));
    }

    @Test
    void mxHostsByPreferenceEqualOnesShuffledEveryAddressWithThePort() {
        Set<String> firsts = new HashSet<>();
        MxResolver shuffling = mx(42);
        for (int i = 0; i < 20; i++) {
            Route route = shuffling.resolve("b.test");
            assertThat(route.kind()).isEqualTo(Kind.ROUTE);
            assertThat(route.hosts()).extracting(Host::preference).containsExactly(10, 10, 20);
            assertThat(route.hosts().get(2).name()).isEqualTo("backup.b.test");
            assertThat(route.hosts().get(2).addresses()).extracting(InetSocketAddress::getPort).containsOnly(2525);
            assertThat(route.hosts().get(2).addresses().get(0).getAddress().getAddress()).as("IPv6 first").hasSize(16);
            firsts.add(route.hosts().get(0).name());
        }
        assertThat(firsts).as("equal preferences in random order").containsExactlyInAnyOrder("mx1.b.test", "mx2.b.test");
    }

    @Test
    void noMxMeansTheDomainsOwnAddress() {
        Route route = mx(1).resolve("implicit.test");
        assertThat(route.kind()).isEqualTo(Kind.ROUTE);
        assertThat(route.hosts()).singleElement().satisfies(h -> {
            assertThat(h.name()).isEqualTo("implicit.test");
            assertThat(h.addresses()).containsExactly(new InetSocketAddress("127.0.0.20", 2525));
        });
    }

    @Test
    void permanentAndTemporaryFailures() {
        assertThat(mx(1).resolve("nomail.test")).extracting(Route::kind, Route::status)
                .containsExactly(Kind.PERMANENT_FAILURE, "5.1.10");
        assertThat(mx(1).resolve("nowhere.test")).extracting(Route::kind, Route::status)
                .containsExactly(Kind.PERMANENT_FAILURE, "5.1.2");
        assertThat(mx(1).resolve("empty.test")).extracting(Route::kind, Route::status)
                .containsExactly(Kind.PERMANENT_FAILURE, "5.1.2");
        assertThat(mx(1).resolve("broken.test")).extracting(Route::kind, Route::status)
                .containsExactly(Kind.TEMPORARY_FAILURE, "4.4.3");
        Route slow = mx(1).resolve("slow.test");
        assertThat(slow).extracting(Route::kind, Route::status).containsExactly(Kind.TEMPORARY_FAILURE, "4.4.3");
        assertThat(slow.dns().get(0)).contains("MX slow.test").containsIgnoringCase("timed out");
        assertThat(mx(1).resolve("dangling.test")).extracting(Route::kind, Route::status)
                .containsExactly(Kind.TEMPORARY_FAILURE, "4.4.4");
    }

    @Test
    void cnamesAreFollowed() {
        Route route = mx(1).resolve("alias.test");
        assertThat(route.hosts()).singleElement().satisfies(h ->
                assertThat(h.addresses()).containsExactly(new InetSocketAddress("127.0.0.30", 2525)));
        assertThat(String.join("\n", route.dns())).contains("CNAME host.alias.test");
    }

    @Test
    void ourselvesAmongTheMxHosts() {
        Route self = mx(1).resolve("self.test");
        assertThat(self.hosts()).as("only hosts preferred to us").extracting(Host::name).containsExactly("mx.self.test");
        assertThat(mx(1).resolve("loop.test")).extracting(Route::kind, Route::status)
                .containsExactly(Kind.PERMANENT_FAILURE, "5.4.6");
    }

    @Test
    void answersAreCachedForTheirTtl() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));
        DnsjavaResolver cached = new DnsjavaResolver(List.of(dns.address()), Duration.ofMillis(300), clock);
        MxResolver mx = new MxResolver(cached, 25, Set.of(), null, 0, new Random(1));
        mx.resolve("b.test");
        mx.resolve("b.test");
        assertThat(dns.queries("MX", "b.test")).isEqualTo(1);
        clock.advance(Duration.ofSeconds(301));
        mx.resolve("b.test");
        assertThat(dns.queries("MX", "b.test")).isEqualTo(2);
        mx.resolve("broken.test");
        mx.resolve("broken.test");
        assertThat(dns.queries("MX", "broken.test")).as("failures are not cached").isEqualTo(2);
    }

    @Test
    void relayHostReplacesMxLookUps() {
        MxResolver relay = new MxResolver(resolver, 25, Set.of(), "127.0.0.99", 587, new Random(1));
        Route route = relay.resolve("nowhere.test");
        assertThat(route.kind()).isEqualTo(Kind.ROUTE);
        assertThat(route.hosts().get(0).addresses()).containsExactly(new InetSocketAddress("127.0.0.99", 587));
    }
}
