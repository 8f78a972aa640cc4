package org.mailroom.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.ongres.scram.client.ScramClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Our SCRAM server against the RFC 7677 test vector and against an independent client (com.ongres.scram 3.2),
 * with and without channel binding.
 */
class ScramMechanismTest {

    static final String ALICE = "alice@example.test";
    static final byte[] CB = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0};

    private final TestDirectory directory = new TestDirectory();
    private final Authenticator authenticator = new Authenticator(directory, new MutableClock());
    private final SaslMechanisms mechanisms = new SaslMechanisms(authenticator);

    ScramMechanismTest() {
        directory.addAccount(ALICE, "secret".toCharArray());
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String text(SaslStep step) {
        assertThat(step).isInstanceOf(SaslStep.Challenge.class);
        return new String(((SaslStep.Challenge) step).data(), StandardCharsets.UTF_8);
    }

    @Test
    void rfc7677TestVector() throws Exception {
        // RFC 7677 section 3: user "user", password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096 iterations.
        TestDirectory vector = new TestDirectory() {
            @Override
            public synchronized java.util.Optional<ScramCredentials> scramCredentials(String account) {
                return java.util.Optional.of(ScramCredentials.derive("pencil".toCharArray(),
                        Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096));
            }
        };
        Authenticator auth = new Authenticator(vector, new MutableClock());
        ScramMechanism scram = new ScramMechanism(auth, false, SaslChannel.cleartext(false),
                () -> "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");
        SaslExchange x = new SaslExchange(scram);
        // The vector's user "user" is no address (our logins are), so the server-first message is checked through
        // the server and the proof and signature through the keys it derives.
        assertThat(text(x.begin(b64("n,,n=user@example.test,r=rOprNGfwEbeRWgbNEkqO"))))
                .isEqualTo("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");

        // The derived keys match the vector: its proof and signature verify with our StoredKey and ServerKey.
        ScramCredentials keys = ScramCredentials.derive("pencil".toCharArray(),
                Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        String authMessage = "n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                + "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        byte[] serverSignature = ScramCredentials.hmac(keys.serverKey(), authMessage.getBytes(StandardCharsets.UTF_8));
        assertThat(Base64.getEncoder().encodeToString(serverSignature))
                .isEqualTo("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
        byte[] proof = Base64.getDecoder().decode("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        byte[] signature = ScramCredentials.hmac(keys.storedKey(), authMessage.getBytes(StandardCharsets.UTF_8));
        byte[] clientKey = new byte[32];
        for (int i = 0; i < 32; i++) clientKey[i] = (byte) (proof[i] ^ signature[i]);
        assertThat(ScramCredentials.sha256(clientKey)).isEqualTo(keys.storedKey());
    }

    /** Runs the ongres client against our server; returns the final step. */
    private SaslStep run(String mechanism, SaslChannel channel, String user, String password, String authzid,
                         byte[] clientCb) throws Exception {
        ScramClient.FinalBuildStage builder = ScramClient.builder()
                .advertisedMechanisms(List.of(mechanism))
                .username(user)
                .password(password.toCharArray());
        if (clientCb != null) builder.channelBinding("tls-server-end-point", clientCb);
        if (authzid != null) builder.authzid(authzid);
        ScramClient client = builder.build();
        SaslExchange x = new SaslExchange(mechanisms.start(mechanism, channel));
        assertThat(text(x.begin(null))).isEmpty();
        SaslStep step = x.respond(b64(client.clientFirstMessage().toString()));
        if (!(step instanceof SaslStep.Challenge)) return step;
        client.serverFirstMessage(text(step));
        step = x.respond(b64(client.clientFinalMessage().toString()));
        if (!(step instanceof SaslStep.Challenge)) return step;
        client.serverFinalMessage(text(step)); // throws if the server signature is wrong
        return x.respond("");
    }

    @Test
    void independentClientLogsIn() throws Exception {
        assertThat(run("SCRAM-SHA-256", SaslChannel.cleartext(false), ALICE, "secret", null, null))
                .isEqualTo(new SaslStep.Success(ALICE, null));
        assertThat(run("SCRAM-SHA-256", SaslChannel.cleartext(false), "Alice@Example.TEST", "secret", ALICE, null))
                .isEqualTo(new SaslStep.Success(ALICE, null));
    }

    @Test
    void wrongPasswordUnknownUserAndForeignAuthzid() throws Exception {
        SaslChannel clear = SaslChannel.cleartext(false);
        assertThat(run("SCRAM-SHA-256", clear, ALICE, "wrong", null, null))
                .isEqualTo(new SaslStep.Failure(SaslStep.Reason.INVALID_CREDENTIALS));
        assertThat(run("SCRAM-SHA-256", clear, "nobody@example.test", "secret", null, null))
                .isEqualTo(new SaslStep.Failure(SaslStep.Reason.INVALID_CREDENTIALS));
        assertThat(run("SCRAM-SHA-256", clear, ALICE, "secret", "bob@example.test", null))
                .isEqualTo(new SaslStep.Failure(SaslStep.Reason.AUTHORIZATION_REFUSED));
    }

    @Test
    void unknownUserGetsAStableDecoySalt() throws Exception {
        String first = authenticatorSalt("nobody@example.test");
        assertThat(authenticatorSalt("nobody@example.test")).isEqualTo(first);
        assertThat(authenticatorSalt("other@example.test")).isNotEqualTo(first);
        assertThat(authenticator.scram("nobody@example.test").account()).isNull();
        assertThat(authenticator.scram(ALICE).account()).isEqualTo(ALICE);
    }

    private String authenticatorSalt(String user) throws Exception {
        return Base64.getEncoder().encodeToString(authenticator.scram(user).credentials().salt());
    }

    @Test
    void channelBinding() throws Exception {
        SaslChannel tls = SaslChannel.encrypted(CB);
        assertThat(run("SCRAM-SHA-256-PLUS", tls, ALICE, "secret", null, CB))
                .isEqualTo(new SaslStep.Success(ALICE, null));
        // Another connection's binding data (a man in the middle with his own certificate).
        assertThat(run("SCRAM-SHA-256-PLUS", tls, ALICE, "secret", null, new byte[] {1, 1, 1}))
                .isEqualTo(new SaslStep.Failure(SaslStep.Reason.CHANNEL_BINDING));
        // Plain SCRAM-SHA-256 still works under TLS.
        assertThat(run("SCRAM-SHA-256", tls, ALICE, "secret", null, null))
                .isEqualTo(new SaslStep.Success(ALICE, null));
    }

    @Test
    void gs2FlagRules() throws Exception {
        SaslChannel tls = SaslChannel.encrypted(CB);
        SaslStep binding = new SaslStep.Failure(SaslStep.Reason.CHANNEL_BINDING);
        // "y": the client could bind but saw no -PLUS; we offer it here, so someone removed it (downgrade).
        assertThat(first("SCRAM-SHA-256", tls, "y,,n=" + ALICE + ",r=abc")).isEqualTo(binding);
        assertThat(first("SCRAM-SHA-256", SaslChannel.cleartext(false), "y,,n=" + ALICE + ",r=abc"))
                .isInstanceOf(SaslStep.Challenge.class);
        assertThat(first("SCRAM-SHA-256", tls, "p=tls-server-end-point,,n=" + ALICE + ",r=abc")).isEqualTo(binding);
        assertThat(first("SCRAM-SHA-256-PLUS", tls, "n,,n=" + ALICE + ",r=abc")).isEqualTo(binding);
        assertThat(first("SCRAM-SHA-256-PLUS", tls, "p=tls-unique,,n=" + ALICE + ",r=abc")).isEqualTo(binding);
    }

    @Test
    void malformedMessages() throws Exception {
        SaslChannel clear = SaslChannel.cleartext(false);
        SaslStep malformed = new SaslStep.Failure(SaslStep.Reason.MALFORMED);
        assertThat(first("SCRAM-SHA-256", clear, "n,,r=abc")).isEqualTo(malformed);
        assertThat(first("SCRAM-SHA-256", clear, "x,,n=a@b,r=abc")).isEqualTo(malformed);
        assertThat(first("SCRAM-SHA-256", clear, "n,,m=ext,n=a@b,r=abc")).isEqualTo(malformed);
        assertThat(first("SCRAM-SHA-256", clear, "n,,n=a=2Xb,r=abc")).isEqualTo(malformed);
        assertThat(first("SCRAM-SHA-256", clear, "n,,n=a@b,r=")).isEqualTo(malformed);

        SaslExchange x = new SaslExchange(mechanisms.start("SCRAM-SHA-256", clear));
        String serverFirst = text(x.begin(b64("n,,n=" + ALICE + ",r=abc")));
        String nonce = serverFirst.substring(2, serverFirst.indexOf(','));
        assertThat(x.respond(b64("c=biws,r=" + nonce + "X,p=AAAA"))).isEqualTo(malformed); // another nonce

        SaslExchange y = new SaslExchange(mechanisms.start("SCRAM-SHA-256", clear));
        y.begin(b64("n,,n=" + ALICE + ",r=abc"));
        assertThat(y.respond("not base64!")).isEqualTo(malformed);
    }

    private SaslStep first(String mechanism, SaslChannel channel, String clientFirst) {
        return new SaslExchange(mechanisms.start(mechanism, channel)).begin(b64(clientFirst));
    }

    @Test
    void credentialsRoundTripAndUpgradeFlag() {
        ScramCredentials keys = ScramCredentials.create("pw".toCharArray());
        assertThat(keys.iterations()).isEqualTo(ScramCredentials.DEFAULT_ITERATIONS);
        assertThat(keys.needsUpgrade()).isFalse();
        assertThat(ScramCredentials.derive("pw".toCharArray(), keys.salt(), keys.iterations())).isEqualTo(keys);
        assertThat(ScramCredentials.derive("pw".toCharArray(), keys.salt(), 1024).needsUpgrade()).isTrue();
        assertThat(keys.toString()).doesNotContain(Base64.getEncoder().encodeToString(keys.storedKey()));
        // SASLprep: a no-break space is a space, a soft hyphen vanishes.
        assertThat(ScramCredentials.derive("a\u00A0b\u00ADc".toCharArray(), keys.salt(), 4096))
                .isEqualTo(ScramCredentials.derive("a bc".toCharArray(), keys.salt(), 4096));
    }
}
