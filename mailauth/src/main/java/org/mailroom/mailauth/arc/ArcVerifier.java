package org.mailroom.mailauth.arc;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import org.mailroom.core.dns.DnsResolver;

/** Validates the ARC chain of a received message (RFC 8617 section 5.2). */
public final class ArcVerifier {

    private final DnsResolver dns;
    private final Clock clock;

    public ArcVerifier(DnsResolver dns, Clock clock) {
        this.dns = dns;
        this.clock = clock;
    }

    public ArcVerdict verify(InputStream message) throws IOException {
        throw new UnsupportedOperationException("ArcVerifier: being written");
    }
}
