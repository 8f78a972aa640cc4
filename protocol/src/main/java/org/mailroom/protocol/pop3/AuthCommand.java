package org.mailroom.protocol.pop3;

import java.io.IOException;
import org.mailroom.core.auth.SaslChannel;
import org.mailroom.core.auth.SaslExchange;
import org.mailroom.core.auth.SaslStep;

/**
 * AUTH (RFC 5034) with the SASL mechanisms shared by every protocol (core/auth). "AUTH" alone lists them, as many
 * clients expect. Additional data with success (SCRAM's server signature) goes out as one more "+" challenge,
 * answered by an empty line (RFC 5034 section 4), which {@link SaslExchange} handles.
 */
final class AuthCommand implements Pop3Command {

    @Override
    public void execute(Pop3Session s, String[] args, String rest) throws IOException {
        SaslChannel channel = s.saslChannel();
        if (args.length == 0) {
            s.reply(Pop3Session.multiline("+OK SASL mechanisms follow", s.sasl.offered(channel)));
            return;
        }
        if (args.length > 2) {
            s.reply("-ERR AUTH takes a mechanism and at most one initial response");
            return;
        }
        switch (s.sasl.availability(args[0], channel)) {
            case UNKNOWN:
                s.reply("-ERR unsupported authentication mechanism");
                return;
            case NEEDS_TLS:
                s.reply("-ERR [AUTH] plaintext authentication needs TLS");
                return;
            default:
                break;
        }
        if (!s.guard.mayAttempt()) {
            Pop3Login.tooManyAttempts(s);
            return;
        }
        s.exchange = new SaslExchange(s.sasl.start(args[0], channel));
        step(s, s.exchange.begin(args.length == 2 ? args[1] : null));
    }

    /** The client's line during an exchange: base64, "*" to cancel, or the empty answer to the final data. */
    static void step(Pop3Session s, SaslStep step) throws IOException {
        if (s.exchange.claimedLogin() != null) s.loginName = s.exchange.claimedLogin();
        if (step instanceof SaslStep.Challenge challenge) {
            s.reply("+ " + challenge.base64());
            return;
        }
        s.exchange = null;
        if (step instanceof SaslStep.Success success) {
            s.guard.succeeded();
            s.openMaildrop(success.account());
            return;
        }
        switch (((SaslStep.Failure) step).reason()) {
            case CANCELLED -> s.reply("-ERR authentication cancelled");
            case MALFORMED -> s.reply("-ERR malformed authentication response");
            case TEMPORARY -> s.reply("-ERR [SYS/TEMP] authentication is unavailable, try again later");
            // Wrong password, unknown user, another authzid, bad channel binding: one answer for all.
            default -> Pop3Login.failed(s);
        }
    }
}
