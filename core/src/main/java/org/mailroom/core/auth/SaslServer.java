package org.mailroom.core.auth;

import java.io.IOException;

/**
 * The server side of one SASL exchange (RFC 4422), one instance per attempt, made by {@link SaslMechanisms#start}.
 * Protocol-neutral: it sees decoded bytes, never base64, "*" or protocol replies ({@link SaslExchange} does those).
 *
 * <p>Example, SCRAM: {@code step(null)} gives an empty {@link SaslStep.Challenge} (the client speaks first);
 * {@code step(clientFirst)} gives the server-first message as a challenge; {@code step(clientFinal)} gives
 * {@link SaslStep.Success} with the server signature as final data, or {@link SaslStep.Failure}.
 *
 * <p>Blocking: a step may read the directory and hash a password; call it off the event loop. Not thread-safe.
 */
public interface SaslServer {

    /** The mechanism's name as registered, e.g. {@code SCRAM-SHA-256}. */
    String mechanism();

    /**
     * The next step. {@code response} is the client's decoded response; null means "no initial response was
     * sent" (the first call only), which is different from an empty one (RFC 4422 section 5).
     *
     * @throws IOException when the directory cannot be read
     */
    SaslStep step(byte[] response) throws IOException;

    /** The login name the client claimed so far, for logs (never a password); null if none yet. */
    String claimedLogin();
}
