package org.mailroom.mailauth.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;

/**
 * Signs messages that leave us (RFC 6376 section 5): relaxed/relaxed canonicalization, SHA-256, one
 * DKIM-Signature per key given (RSA and Ed25519 side by side, RFC 8463), with From, To, Subject, Date and
 * Message-ID signed once more than they occur (oversigned) so that none can be added in transit.
 */
public final class DkimSigner {

    private final Clock clock;

    public DkimSigner(Clock clock) {
        this.clock = clock;
    }

    /**
     * The DKIM-Signature header fields for a message, folded, each ending in CRLF, to be put in front of it.
     * Reads the message once (header section held, body hashed as it streams).
     *
     * @param message the message as it will be sent (CRLF line ends)
     * @param keys    the keys to sign with, all of one domain; empty gives ""
     */
    public String sign(InputStream message, List<DkimKey> keys) throws IOException {
        throw new UnsupportedOperationException("DkimSigner: being written");
    }
}
