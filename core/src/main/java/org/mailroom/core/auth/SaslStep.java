package org.mailroom.core.auth;

import java.util.Base64;
import java.util.Objects;

/**
 * What a {@link SaslServer} answers to one client response: another challenge, success, or failure.
 * Protocols map them to replies, for example in SMTP (RFC 4954): {@link Challenge} {@code 334 <base64>},
 * {@link Success} {@code 235 2.7.0}, {@link Failure} as {@link Reason} says.
 */
public sealed interface SaslStep permits SaslStep.Challenge, SaslStep.Success, SaslStep.Failure {

    /** Send these bytes, base64-encoded, as a challenge and wait for the client's next line. */
    record Challenge(byte[] data) implements SaslStep {
        public Challenge {
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        /** The challenge as it goes on the wire; empty for an empty challenge. */
        public String base64() {
            return Base64.getEncoder().encodeToString(data);
        }
    }

    /**
     * Authenticated as {@code account} (canonical address). {@code finalData} is the mechanism's additional data
     * with success (SCRAM's server signature), or null; {@link SaslExchange} turns it into one more challenge for
     * protocols that cannot carry it with the success reply.
     */
    record Success(String account, byte[] finalData) implements SaslStep {
        public Success {
            Objects.requireNonNull(account, "account");
            finalData = finalData == null ? null : finalData.clone();
        }

        @Override
        public byte[] finalData() {
            return finalData == null ? null : finalData.clone();
        }
    }

    /** The exchange is over without success. */
    record Failure(Reason reason) implements SaslStep {
        public Failure {
            Objects.requireNonNull(reason, "reason");
        }

        /** True for a wrong password or unknown user: counts against the client in {@link LoginGuard}. */
        public boolean isBadCredentials() {
            return reason == Reason.INVALID_CREDENTIALS;
        }
    }

    /** Why an exchange failed, with the SMTP reply (RFC 4954 section 6) each maps to. */
    enum Reason {
        /** The client sent "*" (SMTP {@code 501 5.0.0}; IMAP {@code BAD}; POP3 {@code -ERR}). */
        CANCELLED,
        /** Not base64, or not the message the mechanism expects ({@code 501 5.5.2}). */
        MALFORMED,
        /** Unknown user or wrong password ({@code 535 5.7.8}). */
        INVALID_CREDENTIALS,
        /** Good credentials, but the authorization identity is someone else ({@code 535 5.7.8}). */
        AUTHORIZATION_REFUSED,
        /** SCRAM channel binding missing, of another type, or not this connection's ({@code 535 5.7.8}). */
        CHANNEL_BINDING,
        /** The directory could not be read ({@code 454 4.7.0}). */
        TEMPORARY
    }
}
