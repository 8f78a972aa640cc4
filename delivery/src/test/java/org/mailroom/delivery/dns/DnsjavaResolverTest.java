package org.mailroom.delivery.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mailroom.core.dns.DnsResolver.Status;
import org.mailroom.delivery.testing.TestDnsServer;

/** TXT and PTR answers, the questions of mail authentication, from a real DNS server on loopback. */
class DnsjavaResolverTest {

    private TestDnsServer dns;
    private DnsjavaResolver resolver;

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start();
        resolver = new DnsjavaResolver(List.of(dns.address()), Duration.ofMillis(500), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    @Test
    void txtStringsOfOneRecordAreJoinedAndEachRecordIsOneAnswer() {
        String key = "v=DKIM1; k=rsa; p=" + "A".repeat(392);
        dns.txt("sel._domainkey.a.test", key).txt("a.test", "v=spf1 -all").txt("a.test", "other");

        assertThat(resolver.txt("sel._domainkey.a.test").records()).containsExactly(key);
        assertThat(resolver.txt("a.test").records()).containsExactlyInAnyOrder("v=spf1 -all", "other");
        assertThat(resolver.txt("none.a.test").status()).isEqualTo(Status.NO_SUCH_DOMAIN);
    }

    @Test
    void anAnswerTooLongForUdpComesOverTcp() {
        String big = "v=spf1 " + "ip4:192.0.2.1 ".repeat(700);
        dns.txt("big.test", big);

        var answer = resolver.txt("big.test");

        assertThat(answer.status()).isEqualTo(Status.FOUND);
        assertThat(answer.records()).containsExactly(big);
    }

    @Test
    void ptrOfIpv4AndIpv6() throws Exception {
        dns.ptr("192.0.2.7", "mail.a.test").ptr("2001:db8::7", "mail6.a.test");

        assertThat(resolver.ptr(InetAddress.getByName("192.0.2.7")).records()).containsExactly("mail.a.test");
        assertThat(resolver.ptr(InetAddress.getByName("2001:db8::7")).records()).containsExactly("mail6.a.test");
        assertThat(resolver.ptr(InetAddress.getByName("192.0.2.8")).status()).isEqualTo(Status.NO_SUCH_DOMAIN);
    }

    @Test
    void aTimeoutIsATemporaryFailure() {
        dns.silent("slow.test");

        assertThat(resolver.txt("slow.test").status()).isEqualTo(Status.TEMPORARY_FAILURE);
    }
}
