package org.mailroom.mailauth.dkim;

import java.io.IOException;
import java.io.InputStream;

/**
 * One pass over a message for several checks: the header section is read and held, each check registers the body
 * hashes it needs, then the body streams once through all of them.
 *
 * <pre>{@code
 * SignedMessage m = SignedMessage.read(in);
 * DkimVerifier.Pending dkim = dkimVerifier.prepare(m);
 * ArcVerifier.Pending arc = arcVerifier.prepare(m);
 * m.consumeBody();
 * List<DkimVerdict> verdicts = dkim.verdicts();
 * ArcVerdict chain = arc.verdict();
 * List<HeaderSection.Field> from = m.header().named("From");   // for DMARC
 * }</pre>
 */
public final class SignedMessage {

    private final HeaderSection header;
    private final BodyHashes bodies = new BodyHashes();
    private boolean consumed;

    private SignedMessage(HeaderSection header) {
        this.header = header;
    }

    /** Reads the header section (at most {@link HeaderSection#MAX_BYTES}; see {@link HeaderSection#tooLarge()}). */
    public static SignedMessage read(InputStream message) throws IOException {
        return new SignedMessage(HeaderSection.read(message));
    }

    public HeaderSection header() {
        return header;
    }

    /** Where checks register the body hashes they need, before {@link #consumeBody()}. */
    public BodyHashes bodies() {
        return bodies;
    }

    /** Streams the body through every registered hash; once (later calls do nothing). */
    public void consumeBody() throws IOException {
        if (consumed) {
            return;
        }
        consumed = true;
        if (!header.tooLarge()) {
            bodies.consume(header.body());
        }
    }

    public boolean bodyConsumed() {
        return consumed;
    }
}
