package org.mailroom.core.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.mailroom.core.mail.MailAddress;

/**
 * The SASL mechanisms Mailroom offers, shared by SMTP AUTH (RFC 4954), IMAP AUTHENTICATE (RFC 9051) and POP3 AUTH
 * (RFC 5034). Which are offered depends on the connection:
 *
 * <pre>
 *   mechanism            offered when
 *   SCRAM-SHA-256-PLUS   TLS with tls-server-end-point binding data (RFC 5802 section 6, RFC 5929)
 *   SCRAM-SHA-256        always: the password never crosses the wire (RFC 7677)
 *   PLAIN                plaintext allowed: TLS, or a setting says so (RFC 4616 section 5)
 *   LOGIN                as PLAIN (draft-murchison-sasl-login; for old clients)
 * </pre>
 *
 * Example: {@code SaslServer s = mechanisms.start("PLAIN", SaslChannel.encrypted(cb));} then feed it through a
 * {@link SaslExchange}. Thread-safe; one instance serves all listeners.
 */
public final class SaslMechanisms {

    public static final String SCRAM_SHA_256_PLUS = "SCRAM-SHA-256-PLUS";
    public static final String SCRAM_SHA_256 = "SCRAM-SHA-256";
    public static final String PLAIN = "PLAIN";
    public static final String LOGIN = "LOGIN";

    /** Whether a mechanism may start on a connection. */
    public enum Availability {
        AVAILABLE,
        /** Not a mechanism we know, or -PLUS on a TLS connection without binding data (SMTP {@code 504 5.5.4}). */
        UNKNOWN,
        /** A plaintext mechanism (or -PLUS) on a connection without TLS (SMTP {@code 538 5.7.11}). */
        NEEDS_TLS
    }

    private final Authenticator authenticator;

    public SaslMechanisms(Authenticator authenticator) {
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    }

    /** For protocols' own password commands (POP3 USER/PASS, IMAP LOGIN). */
    public Authenticator authenticator() {
        return authenticator;
    }

    /** The mechanisms to advertise on this connection, strongest first (EHLO AUTH, CAPA SASL, CAPABILITY AUTH=). */
    public List<String> offered(SaslChannel channel) {
        List<String> names = new ArrayList<>(4);
        if (channel.hasChannelBinding()) names.add(SCRAM_SHA_256_PLUS);
        names.add(SCRAM_SHA_256);
        if (channel.plaintextAllowed()) {
            names.add(PLAIN);
            names.add(LOGIN);
        }
        return names;
    }

    public Availability availability(String mechanism, SaslChannel channel) {
        String name = mechanism.toUpperCase(Locale.ROOT);
        switch (name) {
            case SCRAM_SHA_256:
                return Availability.AVAILABLE;
            case SCRAM_SHA_256_PLUS:
                if (!channel.tls()) return Availability.NEEDS_TLS;
                return channel.hasChannelBinding() ? Availability.AVAILABLE : Availability.UNKNOWN;
            case PLAIN:
            case LOGIN:
                return channel.plaintextAllowed() ? Availability.AVAILABLE : Availability.NEEDS_TLS;
            default:
                return Availability.UNKNOWN;
        }
    }

    /**
     * A new exchange of the mechanism (name case-insensitive).
     *
     * @throws IllegalArgumentException unless {@link #availability} is AVAILABLE
     */
    public SaslServer start(String mechanism, SaslChannel channel) {
        Availability availability = availability(mechanism, channel);
        if (availability != Availability.AVAILABLE) {
            throw new IllegalArgumentException(mechanism + " cannot start here: " + availability);
        }
        switch (mechanism.toUpperCase(Locale.ROOT)) {
            case PLAIN: return new PlainMechanism(authenticator);
            case LOGIN: return new LoginMechanism(authenticator);
            case SCRAM_SHA_256: return new ScramMechanism(authenticator, false, channel);
            case SCRAM_SHA_256_PLUS: return new ScramMechanism(authenticator, true, channel);
            default: throw new IllegalStateException(mechanism);
        }
    }

    /**
     * The authorization identity rule of every mechanism: empty, or the authenticated account itself (compared
     * as addresses). Acting for another user (RFC 4422 section 3.4.1) is not offered.
     */
    static boolean authzidPermitted(String authzid, String account) {
        if (authzid == null || authzid.isEmpty()) return true;
        try {
            return MailAddress.parse(authzid).canonical().equals(account);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
