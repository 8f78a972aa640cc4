package org.mailroom.protocol.smtp;

import org.mailroom.core.auth.SaslChannel;
import org.mailroom.core.auth.SaslExchange;
import org.mailroom.core.auth.SaslMechanisms;
import org.mailroom.core.auth.SaslStep;
import org.mailroom.core.metrics.Metrics;
import org.mailroom.protocol.LogText;
import org.mailroom.protocol.tls.LoginSecurity;

/**
 * AUTH (RFC 4954) with the SASL mechanisms shared by every protocol ({@link SaslMechanisms}, core/auth): guards
 * first, then the exchange, whose later lines come to {@link #response} while the session is in state AUTH.
 */
final class AuthCommand implements SmtpCommand {

    @Override
    public void execute(SmtpSession s, String arg) {
        String[] parts = arg.trim().split(" +");
        if (s.auth == null) {
            s.error("502 5.5.1 Error: authentication not enabled on this port");
        } else if (s.state == SmtpSession.State.CONNECTED) {
            s.error("503 5.5.1 Error: send EHLO first");
        } else if (s.user != null) {
            s.error("503 5.5.1 Error: already authenticated");
        } else if (s.state != SmtpSession.State.READY) {
            s.error("503 5.5.1 Error: AUTH not allowed during a mail transaction");
        } else if (arg.isBlank() || parts.length > 2) {
            s.error("501 5.5.4 Syntax: AUTH mechanism [initial-response]");
        } else if (!mayAuthenticateHere(s)) {
            s.error("538 5.7.11 Encryption required for requested authentication mechanism");
        } else {
            SaslChannel channel = saslChannel(s);
            SaslMechanisms.Availability availability = s.auth.mechanisms().availability(parts[0], channel);
            if (availability == SaslMechanisms.Availability.NEEDS_TLS) {
                s.error("538 5.7.11 Encryption required for requested authentication mechanism");
            } else if (availability != SaslMechanisms.Availability.AVAILABLE) {
                s.error("504 5.5.4 Unrecognized authentication type");
            } else if (!s.guard.mayAttempt()) {
                s.reply("454 4.7.0 Too many authentication attempts from your network, try again later");
            } else {
                s.sasl = new SaslExchange(s.auth.mechanisms().start(parts[0], channel));
                s.state = SmtpSession.State.AUTH;
                step(s, s.sasl.begin(parts.length == 2 ? parts[1] : null));
                return;
            }
        }
        s.next();
    }

    /** The client's line during the exchange: base64, or "*" to cancel. */
    static void response(SmtpSession s, String line) {
        step(s, s.sasl.respond(line.trim()));
    }

    /** AUTH may run here: under TLS, or without it where the setting allows (loopback test setups). */
    static boolean mayAuthenticateHere(SmtpSession s) {
        return s.tlsActive() || s.auth.plaintextWithoutTls();
    }

    static SaslChannel saslChannel(SmtpSession s) {
        return LoginSecurity.saslChannel(s.ctx.channel(), s.auth.plaintextWithoutTls());
    }

    private static void step(SmtpSession s, SaslStep step) {
        if (step instanceof SaslStep.Challenge challenge) {
            s.reply("334 " + challenge.base64());
            s.decoder.resume(SmtpDecoder.Mode.COMMAND);
            return;
        }
        s.state = SmtpSession.State.READY;
        String mechanism = s.sasl.mechanism();
        String login = s.sasl.claimedLogin();
        s.sasl = null;
        if (step instanceof SaslStep.Success success) {
            s.user = success.account();
            s.guard.succeeded();
            SmtpSession.log.info("smtp client={} authenticated as {} with {}", s.clientIp, LogText.of(s.user), mechanism);
            s.reply("235 2.7.0 Authentication successful");
            s.next();
            return;
        }
        switch (((SaslStep.Failure) step).reason()) {
            case CANCELLED -> s.reply("501 5.0.0 Authentication cancelled");
            case MALFORMED -> s.error("501 5.5.2 Cannot decode response");
            case TEMPORARY -> s.reply("454 4.7.0 Temporary authentication failure");
            default -> {
                // Wrong password, unknown user, someone else's authzid, bad channel binding: one answer for all,
                // after a delay that grows with the failures (the guard's, not an error count's).
                SmtpSession.log.info("smtp client={} failed to authenticate as {} with {}", s.clientIp,
                        LogText.of(login), mechanism);
                Metrics.get().loginFailed("smtp");
                s.replyDelayMillis = s.guard.failed().toMillis();
                s.reply("535 5.7.8 Authentication credentials invalid");
                if (s.guard.exhausted()) {
                    s.fatalLater("421 4.7.0 " + s.settings.hostname() + " Error: too many failed authentications",
                            s.replyDelayMillis);
                    return;
                }
            }
        }
        s.next();
    }
}
