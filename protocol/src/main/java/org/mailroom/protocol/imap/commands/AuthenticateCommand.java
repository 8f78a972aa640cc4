package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.core.auth.SaslChannel;
import org.mailroom.core.auth.SaslExchange;
import org.mailroom.core.auth.SaslStep;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapLogin;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;

/**
 * AUTHENTICATE (RFC 9051 section 6.2.2) with the shared SASL mechanisms: SCRAM-SHA-256(-PLUS), and PLAIN and
 * LOGIN where passwords may cross. The initial response may come on the command line (SASL-IR, RFC 4959, "="
 * for an empty one); each challenge is a "+" line and the client answers with one line, "*" to cancel (BAD).
 * SCRAM's server signature, which IMAP4rev1 cannot carry in the tagged OK, goes out as a last challenge that
 * the client answers with an empty line ({@link SaslExchange} does that). Response codes from RFC 5530.
 */
public final class AuthenticateCommand implements ImapCommand {
    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        String mechanism = request.args().atom("the SASL mechanism");
        String initial = request.args().hasNext() ? request.args().astring("the initial response") : null;
        request.args().end();
        SaslChannel channel = session.saslChannel();
        switch (session.sasl().availability(mechanism, channel)) {
            case UNKNOWN -> {
                session.no(request, "[CANNOT] Unsupported mechanism " + mechanism);
                return;
            }
            case NEEDS_TLS -> {
                session.no(request, "[PRIVACYREQUIRED] " + mechanism + " needs TLS: use STARTTLS first");
                return;
            }
            default -> { }
        }
        if (!session.guard().mayAttempt()) {
            session.no(request, "[UNAVAILABLE] Too many login attempts, try again later");
            return;
        }
        SaslExchange exchange = new SaslExchange(session.sasl().start(mechanism, channel));
        step(session, request, exchange, exchange.begin(initial));
    }

    private static void step(ImapSession session, Request request, SaslExchange exchange, SaslStep step)
            throws IOException {
        if (step instanceof SaslStep.Challenge challenge) {
            session.send("+ " + challenge.base64());
            session.expectContinuation((s, line) -> step(s, request, exchange, exchange.respond(line)));
            return;
        }
        if (step instanceof SaslStep.Success success) {
            session.authenticated(request, success.account());
            return;
        }
        switch (((SaslStep.Failure) step).reason()) {
            case CANCELLED -> session.bad(request, "Authentication cancelled");
            case MALFORMED -> session.bad(request, "Malformed authentication response");
            case TEMPORARY -> session.no(request, "[UNAVAILABLE] Authentication is unavailable, try again later");
            case AUTHORIZATION_REFUSED -> ImapLogin.failed(session, request, "[AUTHORIZATIONFAILED] Cannot act as another user");
            // Wrong password, unknown user, bad channel binding: one answer for all.
            default -> ImapLogin.failed(session, request, "[AUTHENTICATIONFAILED] Authentication failed");
        }
    }
}
