package org.mailroom.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.mailroom.core.auth.SaslMechanisms.Availability;

/** PLAIN, LOGIN and the line-level exchange: base64, "*", "=", malformed messages, authzid. */
class SaslMechanismsTest {

    static final String ALICE = "alice@example.test";

    private final TestDirectory directory = new TestDirectory();
    private final SaslMechanisms mechanisms = new SaslMechanisms(new Authenticator(directory, new MutableClock()));
    private final SaslChannel tls = SaslChannel.encrypted(new byte[] {1, 2, 3});

    SaslMechanismsTest() {
        directory.addAccount(ALICE, "secret".toCharArray());
        directory.addAccount("bob@example.test", "hunter2".toCharArray());
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private SaslExchange exchange(String mechanism) {
        return new SaslExchange(mechanisms.start(mechanism, tls));
    }

    @Test
    void offeredDependsOnTlsAndSettings() {
        assertThat(mechanisms.offered(tls)).containsExactly("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256", "PLAIN", "LOGIN");
        assertThat(mechanisms.offered(SaslChannel.encrypted(null))).containsExactly("SCRAM-SHA-256", "PLAIN", "LOGIN");
        assertThat(mechanisms.offered(SaslChannel.cleartext(false))).containsExactly("SCRAM-SHA-256");
        assertThat(mechanisms.offered(SaslChannel.cleartext(true))).containsExactly("SCRAM-SHA-256", "PLAIN", "LOGIN");

        SaslChannel clear = SaslChannel.cleartext(false);
        assertThat(mechanisms.availability("plain", clear)).isEqualTo(Availability.NEEDS_TLS);
        assertThat(mechanisms.availability("LOGIN", clear)).isEqualTo(Availability.NEEDS_TLS);
        assertThat(mechanisms.availability("SCRAM-SHA-256-PLUS", clear)).isEqualTo(Availability.NEEDS_TLS);
        assertThat(mechanisms.availability("SCRAM-SHA-256-PLUS", SaslChannel.encrypted(null))).isEqualTo(Availability.UNKNOWN);
        assertThat(mechanisms.availability("scram-sha-256", clear)).isEqualTo(Availability.AVAILABLE);
        assertThat(mechanisms.availability("CRAM-MD5", tls)).isEqualTo(Availability.UNKNOWN);
        assertThatThrownBy(() -> mechanisms.start("PLAIN", clear)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void plainWithInitialResponse() {
        SaslStep step = exchange("PLAIN").begin(b64("\0" + ALICE + "\0secret"));
        assertThat(step).isEqualTo(new SaslStep.Success(ALICE, null));
    }

    @Test
    void plainWithEmptyChallengeFirst() {
        SaslExchange x = exchange("plain");
        SaslStep first = x.begin(null);
        assertThat(first).isInstanceOf(SaslStep.Challenge.class);
        assertThat(((SaslStep.Challenge) first).base64()).isEmpty();
        assertThat(x.respond(b64("\0ALICE@Example.test\0secret"))).isEqualTo(new SaslStep.Success(ALICE, null));
        assertThat(x.finished()).isTrue();
    }

    @Test
    void plainWrongPasswordAndUnknownUser() {
        assertThat(exchange("PLAIN").begin(b64("\0" + ALICE + "\0wrong")))
                .isEqualTo(new SaslStep.Failure(SaslStep.Reason.INVALID_CREDENTIALS));
        SaslStep unknown = exchange("PLAIN").begin(b64("\0nobody@example.test\0secret"));
        assertThat(unknown).isEqualTo(new SaslStep.Failure(SaslStep.Reason.INVALID_CREDENTIALS));
        assertThat(((SaslStep.Failure) unknown).isBadCredentials()).isTrue();
    }

    @Test
    void plainAuthzid() {
        assertThat(exchange("PLAIN").begin(b64("Alice@example.test\0" + ALICE + "\0secret")))
                .isEqualTo(new SaslStep.Success(ALICE, null));
        assertThat(exchange("PLAIN").begin(b64("bob@example.test\0" + ALICE + "\0secret")))
                .isEqualTo(new SaslStep.Failure(SaslStep.Reason.AUTHORIZATION_REFUSED));
        assertThat(exchange("PLAIN").begin(b64("not an address\0" + ALICE + "\0secret")))
                .isEqualTo(new SaslStep.Failure(SaslStep.Reason.AUTHORIZATION_REFUSED));
        // The authzid is checked only after the password: a wrong password stays a wrong password.
        assertThat(exchange("PLAIN").begin(b64("bob@example.test\0" + ALICE + "\0wrong")))
                .isEqualTo(new SaslStep.Failure(SaslStep.Reason.INVALID_CREDENTIALS));
    }

    @Test
    void plainMalformed() {
        SaslStep malformed = new SaslStep.Failure(SaslStep.Reason.MALFORMED);
        assertThat(exchange("PLAIN").begin("=")).isEqualTo(malformed); // empty initial response
        assertThat(exchange("PLAIN").begin("%%%")).isEqualTo(malformed);
        assertThat(exchange("PLAIN").begin(b64("no nul at all"))).isEqualTo(malformed);
        assertThat(exchange("PLAIN").begin(b64("\0" + ALICE))).isEqualTo(malformed);
        assertThat(exchange("PLAIN").begin(b64("\0" + ALICE + "\0"))).isEqualTo(malformed); // empty password
        assertThat(exchange("PLAIN").begin(b64("\0\0secret"))).isEqualTo(malformed); // empty authcid
        assertThat(exchange("PLAIN").begin(b64("a\0b\0c\0d"))).isEqualTo(malformed);
        byte[] badUtf8 = {0, 'a', 0, (byte) 0xC3, (byte) 0x28};
        assertThat(exchange("PLAIN").begin(Base64.getEncoder().encodeToString(badUtf8))).isEqualTo(malformed);
        assertThat(directory.authenticateCalls).isZero();
    }

    @Test
    void cancellationAtAnyStep() {
        SaslExchange plain = exchange("PLAIN");
        plain.begin(null);
        assertThat(plain.respond("*")).isEqualTo(new SaslStep.Failure(SaslStep.Reason.CANCELLED));
        SaslExchange login = exchange("LOGIN");
        login.begin(null);
        login.respond(b64(ALICE));
        assertThat(login.respond("*")).isEqualTo(new SaslStep.Failure(SaslStep.Reason.CANCELLED));
        assertThat(login.finished()).isTrue();
        assertThatThrownBy(() -> login.respond(b64("x"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void loginMechanism() {
        SaslExchange x = exchange("LOGIN");
        assertThat(new String(((SaslStep.Challenge) x.begin(null)).data(), StandardCharsets.US_ASCII)).isEqualTo("Username:");
        assertThat(new String(((SaslStep.Challenge) x.respond(b64(ALICE))).data(), StandardCharsets.US_ASCII))
                .isEqualTo("Password:");
        assertThat(x.respond(b64("secret"))).isEqualTo(new SaslStep.Success(ALICE, null));
        assertThat(x.claimedLogin()).isEqualTo(ALICE);

        SaslExchange wrong = exchange("LOGIN");
        assertThat(wrong.begin(b64(ALICE))).isInstanceOf(SaslStep.Challenge.class); // user name as initial response
        assertThat(wrong.respond(b64("wrong"))).isEqualTo(new SaslStep.Failure(SaslStep.Reason.INVALID_CREDENTIALS));

        SaslExchange bad = exchange("LOGIN");
        bad.begin(null);
        assertThat(bad.respond("!!")).isEqualTo(new SaslStep.Failure(SaslStep.Reason.MALFORMED));
    }
}
