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
final class LoginMechanism implements SaslServer {

    private static final byte[] USERNAME = "Username:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PASSWORD = "Password:".getBytes(StandardCharsets.US_ASCII);

    private enum State { START, WANT_USERNAME, WANT_PASSWORD, DONE }

    private final Authenticator authenticator;
    private State state = State.START;
    private String login;

    LoginMechanism(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public String mechanism() {
        return SaslMechanisms.LOGIN;
    }

    @Override
    public String claimedLogin() {
        return login;
    }

    @Override
    public SaslStep step(byte[] response) throws IOException {
        switch (state) {
            case START:
                if (response == null) {
                    state = State.WANT_USERNAME;
                    return new SaslStep.Challenge(USERNAME);
                }
                return username(response);
            case WANT_USERNAME:
                return response == null ? done(SaslStep.Reason.MALFORMED) : username(response);
            case WANT_PASSWORD:
                return response == null ? done(SaslStep.Reason.MALFORMED) : password(response);
            default:
                throw new IllegalStateException("LOGIN exchange finished");
        }
    }

    private SaslStep username(byte[] response) {
        login = Utf8.string(response, 0, response.length);
        if (login == null || login.isEmpty() || login.indexOf('\0') >= 0) return done(SaslStep.Reason.MALFORMED);
        state = State.WANT_PASSWORD;
        return new SaslStep.Challenge(PASSWORD);
    }

    private SaslStep password(byte[] response) throws IOException {
        state = State.DONE;
        char[] password = Utf8.chars(response, 0, response.length);
        Arrays.fill(response, (byte) 0);
        if (password == null || password.length == 0) return done(SaslStep.Reason.MALFORMED);
        Optional<String> account;
        try {
            account = authenticator.verifyPassword(login, password);
        } finally {
            Arrays.fill(password, '\0');
        }
        return account.<SaslStep>map(a -> new SaslStep.Success(a, null))
                .orElseGet(() -> new SaslStep.Failure(SaslStep.Reason.INVALID_CREDENTIALS));
    }

    private SaslStep done(SaslStep.Reason reason) {
        state = State.DONE;
        return new SaslStep.Failure(reason);
    }
}
