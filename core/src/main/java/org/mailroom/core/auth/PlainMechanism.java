package org.mailroom.core.auth;

import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;

/**
 * PLAIN (RFC 4616): one message {@code [authzid] NUL authcid NUL passwd}, UTF-8. Without an initial response
 * the server sends an empty challenge first (RFC 4616 section 2).
 */
final class PlainMechanism extends TurnTakingMechanism {

    PlainMechanism(Authenticator authenticator) {
        super(authenticator);
    }

    @Override
    public String mechanism() {
        return SaslMechanisms.PLAIN;
    }

    @Override
    byte[] openingChallenge() {
        return new byte[0];
    }

    @Override
    SaslStep answer(byte[] response) throws IOException {
        try {
            return check(response);
        } finally {
            Arrays.fill(response, (byte) 0);
        }
    }

    private SaslStep check(byte[] message) throws IOException {
        int first = Utf8.indexOfNul(message, 0);
        int second = first < 0 ? -1 : Utf8.indexOfNul(message, first + 1);
        if (second < 0 || Utf8.indexOfNul(message, second + 1) >= 0) return malformed();
        String authzid = Utf8.string(message, 0, first);
        String authcid = Utf8.string(message, first + 1, second);
        // RFC 4616 section 2: authcid and passwd are not empty.
        if (authzid == null || authcid == null || authcid.isEmpty() || second + 1 == message.length) return malformed();
        char[] password = Utf8.chars(message, second + 1, message.length);
        if (password == null) return malformed();
        login = authcid;
        Optional<String> account;
        try {
            account = authenticator.verifyPassword(authcid, password);
        } finally {
            Arrays.fill(password, '\0');
        }
        if (account.isEmpty()) return new SaslStep.Failure(SaslStep.Reason.INVALID_CREDENTIALS);
        if (!SaslMechanisms.authzidPermitted(authzid, account.get())) {
            return new SaslStep.Failure(SaslStep.Reason.AUTHORIZATION_REFUSED);
        }
        return new SaslStep.Success(account.get(), null);
    }

    private static SaslStep malformed() {
        return new SaslStep.Failure(SaslStep.Reason.MALFORMED);
    }
}
