package org.mailroom.mailauth.arc;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import org.mailroom.core.dns.DnsResolver;
import org.mailroom.mailauth.dkim.BodyHashes;
import org.mailroom.mailauth.dkim.HeaderSection;

/**
 * Validates the ARC chain of a received message (RFC 8617 section 5.2): complete sets 1..N, their {@code cv=}
 * values, the latest ARC-Message-Signature (as DKIM would, with the same canonicalizations and key records) and
 * every ARC-Seal. Reads the message once; keys through our {@link DnsResolver}. A DNS failure while validating
 * makes the chain fail (ARC has no temperror) with the reason saying so.
 */
public final class ArcVerifier {

    private final DnsResolver dns;
    private final Clock clock;

    public ArcVerifier(DnsResolver dns, Clock clock) {
        this.dns = dns;
        this.clock = clock;
    }

    public ArcVerdict verify(InputStream message) throws IOException {
        HeaderSection header = HeaderSection.read(message);
        if (header.tooLarge()) {
            return new ArcVerdict(ArcVerdict.Result.FAIL, 0, "header section over " + HeaderSection.MAX_BYTES + " octets");
        }
        BodyHashes bodies = new BodyHashes();
        ArcChain chain = ArcChain.of(header, bodies);
        if (chain.instances() > 0) {
            bodies.consume(header.body());
        }
        return chain.validate(bodies, dns, clock.instant().getEpochSecond());
    }
}
