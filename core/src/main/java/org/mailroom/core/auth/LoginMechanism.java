package org.mailroom.core.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * LOGIN (draft-murchison-sasl-login-00): the server asks "Username:" then "Password:", the client answers each.
 * Obsolete but still what some clients (older Outlook, printers) use. An initial response is taken as the user
 * name, as several clients send it that way.
 */
final class LoginMechanism extends TurnTakingMechanism {

    private static final byte[] USERNAME = "Username:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PASSWORD = "Password:".getBytes(StandardCharsets.US_ASCII);

    LoginMechanism(Authenticator authenticator) {
        super(authenticator);
    }

    @Override
    public String mechanism() {
        return SaslMechanisms.LOGIN;
    }

    @Override
    byte[] openingChallenge() {
        return USERNAME;
    }

    /** A bad user name ends the exchange, so a login known means the password comes now. */
    @Override
    SaslStep answer(byte[] message) throws IOException {
        return login == null ? username(message) : password(message);
    }

    private SaslStep username(byte[] response) {
        login = Utf8.string(response, 0, response.length);
        if (login == null || login.isEmpty() || login.indexOf('\0') >= 0) return malformed();
        return new SaslStep.Challenge(PASSWORD);
    }

    private SaslStep password(byte[] response) throws IOException {
        char[] password = Utf8.chars(response, 0, response.length);
        Arrays.fill(response, (byte) 0);
        if (password == null || password.length == 0) return malformed();
        Optional<String> account;
        try {
            account = authenticator.verifyPassword(login, password);
        } finally {
            Arrays.fill(password, '\0');
        }
        return account.<SaslStep>map(a -> new SaslStep.Success(a, null))
                .orElseGet(() -> new SaslStep.Failure(SaslStep.Reason.INVALID_CREDENTIALS));
    }

    private static SaslStep malformed() {
        return new SaslStep.Failure(SaslStep.Reason.MALFORMED);
    }
}
