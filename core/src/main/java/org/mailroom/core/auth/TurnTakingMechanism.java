package org.mailroom.core.auth;

import java.io.IOException;

/**
 * The turn-taking the mechanisms here share (PLAIN, LOGIN, SCRAM): without an initial response the server speaks
 * first ({@link #openingChallenge()}); after that every response is the client's next message, and a missing one
 * is malformed; once a step is anything but a challenge the exchange is over. Keeps the claimed login for logs.
 */
abstract class TurnTakingMechanism implements SaslServer {

    protected final Authenticator authenticator;
    /** The login name the client claimed so far; set by the subclass as soon as it has read one. */
    protected String login;
    private boolean opened;
    private boolean finished;

    TurnTakingMechanism(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public final String claimedLogin() {
        return login;
    }

    @Override
    public final SaslStep step(byte[] response) throws IOException {
        if (finished) throw new IllegalStateException(mechanism() + " exchange finished");
        SaslStep step;
        if (response != null) {
            step = answer(response);
        } else if (!opened) {
            step = new SaslStep.Challenge(openingChallenge());
        } else {
            step = new SaslStep.Failure(SaslStep.Reason.MALFORMED);
        }
        opened = true;
        finished = !(step instanceof SaslStep.Challenge);
        return step;
    }

    /** What the server says first when the client sent no initial response. */
    abstract byte[] openingChallenge();

    /** The client's next message: a challenge goes on with the exchange, anything else ends it. */
    abstract SaslStep answer(byte[] message) throws IOException;
}
