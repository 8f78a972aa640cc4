package org.mailroom.mailauth.arc;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import org.mailroom.core.dns.DnsResolver;
import org.mailroom.mailauth.dkim.HeaderSection;
import org.mailroom.mailauth.dkim.SignedMessage;

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
        SignedMessage m = SignedMessage.read(message);
        Pending pending = prepare(m);
        m.consumeBody();
        return pending.verdict();
    }

    /**
     * The first half of {@link #verify}, for one pass shared with DKIM (see {@link SignedMessage}): reads the ARC
     * sets and registers the body hash the latest message signature needs.
     */
    public Pending prepare(SignedMessage message) {
        return new Pending(message);
    }

    /** The chain read, waiting for the body. */
    public final class Pending {
        private final SignedMessage message;
        private final ArcChain chain;

        private Pending(SignedMessage message) {
            this.message = message;
            this.chain = message.header().tooLarge() ? null : ArcChain.of(message.header(), message.bodies());
        }

        /** @throws IllegalStateException before the body was consumed */
        public ArcVerdict verdict() {
            if (!message.bodyConsumed()) {
                throw new IllegalStateException("consume the body first");
            }
            if (chain == null) {
                return new ArcVerdict(ArcVerdict.Result.FAIL, 0,
                        "header section over " + HeaderSection.MAX_BYTES + " octets");
            }
            return chain.validate(message.bodies(), dns, clock.instant().getEpochSecond());
        }
    }
}
