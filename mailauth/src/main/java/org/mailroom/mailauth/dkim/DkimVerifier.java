package org.mailroom.mailauth.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import org.mailroom.core.dns.DnsResolver;

/**
 * Verifies every DKIM-Signature of a message (RFC 6376 section 6): key records from DNS
 * ({@code selector._domainkey.domain} TXT), both algorithms, both canonicalizations, {@code l=}, {@code x=}.
 */
public final class DkimVerifier {

    private final DnsResolver dns;
    private final Clock clock;

    public DkimVerifier(DnsResolver dns, Clock clock) {
        this.dns = dns;
        this.clock = clock;
    }

    /**
     * One verdict per DKIM-Signature header field, in the order they appear (top first); empty when the message
     * has none (the Authentication-Results then says dkim=none). Reads the message once.
     */
    public List<DkimVerdict> verify(InputStream message) throws IOException {
        throw new UnsupportedOperationException("DkimVerifier: being written");
    }
}
