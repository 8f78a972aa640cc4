package org.mailroom.mailauth.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OrganizationalDomainTest {

    @Test
    void publicSuffixPlusOneLabel() {
        assertThat(OrganizationalDomain.of("mail.example.com")).isEqualTo("example.com");
        assertThat(OrganizationalDomain.of("a.b.example.co.uk.")).isEqualTo("example.co.uk");
        assertThat(OrganizationalDomain.of("Example.COM")).isEqualTo("example.com");
        assertThat(OrganizationalDomain.of("x.y.kawasaki.jp")).isEqualTo("x.y.kawasaki.jp"); // *.kawasaki.jp is a suffix
    }

    @Test
    void privateSectionSeparatesPlatformCustomers() {
        assertThat(OrganizationalDomain.of("alice.github.io")).isEqualTo("alice.github.io");
        assertThat(OrganizationalDomain.sameOrganization("alice.github.io", "bob.github.io")).isFalse();
        assertThat(OrganizationalDomain.sameOrganization("news.example.org", "example.org")).isTrue();
    }

    @Test
    void suffixesUnknownNamesAndJunkAreTheirOwn() {
        assertThat(OrganizationalDomain.of("co.uk")).isEqualTo("co.uk");
        assertThat(OrganizationalDomain.of("com")).isEqualTo("com");
        assertThat(OrganizationalDomain.of("host.invalidtld")).isEqualTo("host.invalidtld");
        assertThat(OrganizationalDomain.of("bad..name")).isEqualTo("bad..name");
        assertThat(OrganizationalDomain.of("")).isEqualTo("");
    }
}
