package org.mailroom.mailauth.arc;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import org.mailroom.core.dns.DnsResolver;
import org.mailroom.mailauth.dkim.DkimKey;

/**
 * Adds an ARC set (ARC-Authentication-Results, ARC-Message-Signature, ARC-Seal; RFC 8617 section 5.1) to a message
 * we forward to another domain (an alias), so that its receiver can trust our Authentication-Results.
 */
public final class ArcSealer {

    private final DnsResolver dns;
    private final Clock clock;

    public ArcSealer(DnsResolver dns, Clock clock) {
        this.dns = dns;
        this.clock = clock;
    }

    /**
     * The three header fields of the next ARC set, each ending in CRLF, to be put in front of the message; ""
     * when the chain already failed (RFC 8617 section 5.1.2: a failed chain is not sealed again) or has 50 sets.
     *
     * @param message    the message as stored here (with our Authentication-Results, whose results go into
     *                   the ARC-Authentication-Results)
     * @param key        our signing key (the forwarding domain's)
     * @param authservId our authserv-id (the host name), to find our Authentication-Results
     */
    public String seal(InputStream message, DkimKey key, String authservId) throws IOException {
        throw new UnsupportedOperationException("ArcSealer: being written");
    }
}
