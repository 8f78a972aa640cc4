package org.mailroom.protocol.managesieve;

import java.io.IOException;
import java.util.Base64;
import org.mailroom.core.auth.SaslChannel;
import org.mailroom.core.auth.SaslStep;
import org.mailroom.protocol.FailedLogin;

/**
 * AUTHENTICATE (RFC 5804 section 2.1): {@code AUTHENTICATE "mechanism" ["initial response"]} with the SASL
 * mechanisms shared by every protocol (core/auth), challenges and responses as base64 strings. Additional data
 * with success (SCRAM's server signature) goes in {@code OK (SASL "...")}. A failed login is refused through
 * {@link FailedLogin}: after the guard's delay, and the last allowed failure closes the connection.
 */
final class AuthenticateCommand implements ManageSieveCommand {

    private static final String NO_MALFORMED = "NO \"Malformed authentication response\"";
    private static final String NO_CANCELLED = "NO \"Authentication cancelled\"";
    private static final String NO_UNAVAILABLE = "NO (TRYLATER) \"Authentication is unavailable, try again later\"";

    @Override
    public void execute(ManageSieveSession s, Arguments args) throws Arguments.SyntaxException {
        String mechanism = args.string("the mechanism");
        String initial = args.isEmpty() ? null : args.string("the initial response");
        args.end();
        SaslChannel channel = s.saslChannel();
        switch (s.sasl.availability(mechanism, channel)) {
            case UNKNOWN -> {
                s.reply("NO \"Unsupported authentication mechanism\"");
                return;
            }
            case NEEDS_TLS -> {
                s.reply("NO (ENCRYPT-NEEDED) \"Use STARTTLS before sending a password\"");
                return;
            }
            default -> { }
        }
        if (!s.guard.mayAttempt()) {
            s.outcome = "login attempts over the rate limit";
            s.bye("BYE (TRYLATER) \"Too many login attempts, try again later\"");
            return;
        }
        s.exchange = s.sasl.start(mechanism, channel);
        byte[] response = null;
        if (initial != null) {
            response = base64(initial);
            if (response == null) {
                s.exchange = null;
                s.reply(NO_MALFORMED);
                return;
            }
        }
        step(s, response);
    }

    /** The client's answer to a challenge: one string, base64, or "*" to cancel. */
    static void respond(ManageSieveSession s, ManageSieveDecoder.Command input) {
        String value;
        try {
            Arguments args = Arguments.parse(input);
            value = args.string("the response");
            args.end();
        } catch (Arguments.SyntaxException e) {
            s.exchange = null;
            s.reply(NO_MALFORMED);
            return;
        }
        if (value.equals("*")) {
            s.exchange = null;
            s.reply(NO_CANCELLED);
            return;
        }
        byte[] response = base64(value);
        if (response == null) {
            s.exchange = null;
            s.reply(NO_MALFORMED);
            return;
        }
        step(s, response);
    }

    private static void step(ManageSieveSession s, byte[] response) {
        SaslStep step;
        try {
            step = s.exchange.step(response);
        } catch (IOException e) {
            ManageSieveSession.LOG.warn("ManageSieve SASL for {}: directory unavailable: {}",
                    s.exchange.claimedLogin(), e.toString());
            s.exchange = null;
            s.reply(NO_UNAVAILABLE);
            return;
        }
        if (s.exchange.claimedLogin() != null) s.loginName = s.exchange.claimedLogin();
        if (step instanceof SaslStep.Challenge challenge) {
            s.reply(ManageSieveSession.quote(challenge.base64()));
            return;
        }
        s.exchange = null;
        if (step instanceof SaslStep.Success success) {
            s.guard.succeeded();
            s.account = success.account();
            s.loginName = s.account;
            s.state = ManageSieveSession.State.AUTHENTICATED;
            byte[] last = success.finalData();
            s.reply(last == null ? "OK \"Logged in\"" : "OK (SASL "
                    + ManageSieveSession.quote(Base64.getEncoder().encodeToString(last)) + ") \"Logged in\"");
            return;
        }
        SaslStep.Failure failure = (SaslStep.Failure) step;
        switch (failure.reason()) {
            case CANCELLED -> s.reply(NO_CANCELLED);
            case MALFORMED -> s.reply(NO_MALFORMED);
            case TEMPORARY -> s.reply(NO_UNAVAILABLE);
            default -> failed(s);
        }
    }

    /** Wrong password, unknown user, another authzid, bad channel binding: one answer for all. */
    private static void failed(ManageSieveSession s) {
        boolean last = FailedLogin.refuse("managesieve", s.guard, s.ctx, s, close -> {
            if (close) s.bye("BYE \"Too many authentication failures\"");
            else s.reply("NO \"Authentication failed\"");
        });
        if (last) s.outcome = "too many authentication failures";
    }

    private static byte[] base64(String value) {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
