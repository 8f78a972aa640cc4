package org.mailroom.core.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * SCRAM-SHA-256 and SCRAM-SHA-256-PLUS, server side (RFC 5802 sections 3, 5 and 7; RFC 7677).
 *
 * <pre>
 *   C: n,,n=alice@example.org,r=cnonce                          client-first (gs2-header + bare)
 *   S: r=cnonce+snonce,s=salt,i=4096                            server-first
 *   C: c=biws,r=cnonce+snonce,p=proof                           client-final
 *   S: v=signature                                              server-final, sent as final data
 * </pre>
 * The proof is checked against StoredKey: {@code ClientKey = proof XOR HMAC(StoredKey, AuthMessage)} and
 * {@code H(ClientKey) == StoredKey}. An unknown user gets decoy keys from the {@link Authenticator} and fails
 * only here, exactly like a wrong password.
 *
 * <p>Channel binding (RFC 5802 section 6): with -PLUS the gs2 flag must be {@code p=tls-server-end-point} and
 * {@code c=} must carry this connection's binding data. Without -PLUS, flag {@code y} ("I could bind but the
 * server did not offer it") fails when we do offer -PLUS on this connection: that is a downgrade.
 * XXX: SCRAM checks only the account's main password; app passwords work with PLAIN and LOGIN.
 */
final class ScramMechanism extends TurnTakingMechanism {

    private static final String CB_TYPE = "tls-server-end-point";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final boolean plus;
    private final SaslChannel channel;

    private String authzid;
    private String gs2Header;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;
    private Authenticator.ScramLookup keys;

    private final Supplier<String> serverNonces;

    ScramMechanism(Authenticator authenticator, boolean plus, SaslChannel channel) {
        this(authenticator, plus, channel, ScramMechanism::randomNonce);
    }

    /** With given server nonces, for the test vectors of RFC 7677 section 3. */
    ScramMechanism(Authenticator authenticator, boolean plus, SaslChannel channel, Supplier<String> serverNonces) {
        super(authenticator);
        this.plus = plus;
        this.channel = channel;
        this.serverNonces = serverNonces;
    }

    private static String randomNonce() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Override
    public String mechanism() {
        return plus ? SaslMechanisms.SCRAM_SHA_256_PLUS : SaslMechanisms.SCRAM_SHA_256;
    }

    /** The client speaks first: an empty challenge. */
    @Override
    byte[] openingChallenge() {
        return new byte[0];
    }

    /** The server-first message is known once the client-first one was a good one. */
    @Override
    SaslStep answer(byte[] message) throws IOException {
        return serverFirst == null ? clientFirst(message) : clientFinal(message);
    }

    /** {@code gs2-cbind-flag "," [authzid] "," [reserved-mext ","] username "," nonce ["," extensions]}. */
    private SaslStep clientFirst(byte[] response) throws IOException {
        String message = Utf8.string(response, 0, response.length);
        if (message == null) return fail(SaslStep.Reason.MALFORMED);
        String[] parts = message.split(",", -1);
        if (parts.length < 4) return fail(SaslStep.Reason.MALFORMED);
        String flag = parts[0];
        if (flag.startsWith("p=")) {
            if (!plus || !flag.equals("p=" + CB_TYPE)) return fail(SaslStep.Reason.CHANNEL_BINDING);
        } else if (flag.equals("y")) {
            // The client supports binding and thinks we do not: if we do, someone removed -PLUS on the way.
            if (plus || channel.hasChannelBinding()) return fail(SaslStep.Reason.CHANNEL_BINDING);
        } else if (flag.equals("n")) {
            if (plus) return fail(SaslStep.Reason.CHANNEL_BINDING);
        } else {
            return fail(SaslStep.Reason.MALFORMED);
        }
        if (!parts[1].isEmpty()) {
            if (!parts[1].startsWith("a=")) return fail(SaslStep.Reason.MALFORMED);
            authzid = saslName(parts[1].substring(2));
            if (authzid == null) return fail(SaslStep.Reason.MALFORMED);
        }
        // "m=" is reserved for mandatory extensions we do not know: RFC 5802 section 5.1 says fail.
        if (!parts[2].startsWith("n=") || !parts[3].startsWith("r=") || parts[3].length() < 3) {
            return fail(SaslStep.Reason.MALFORMED);
        }
        login = saslName(parts[2].substring(2));
        String clientNonce = parts[3].substring(2);
        if (login == null || login.isEmpty() || !printable(clientNonce)) return fail(SaslStep.Reason.MALFORMED);
        gs2Header = parts[0] + "," + parts[1] + ",";
        clientFirstBare = message.substring(gs2Header.length());

        keys = authenticator.scram(login);
        nonce = clientNonce + serverNonces.get();
        ScramCredentials credentials = keys.credentials();
        serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(credentials.salt())
                + ",i=" + credentials.iterations();
        return new SaslStep.Challenge(serverFirst.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code "c=" base64(gs2-header [cbind-data]) ",r=" nonce ["," extensions] ",p=" base64(proof)}. */
    private SaslStep clientFinal(byte[] response) {
        String message = Utf8.string(response, 0, response.length);
        if (message == null) return fail(SaslStep.Reason.MALFORMED);
        int proofAt = message.lastIndexOf(",p=");
        if (proofAt < 0) return fail(SaslStep.Reason.MALFORMED);
        String withoutProof = message.substring(0, proofAt);
        String[] parts = withoutProof.split(",", -1);
        if (parts.length < 2 || !parts[0].startsWith("c=") || !parts[1].startsWith("r=")) {
            return fail(SaslStep.Reason.MALFORMED);
        }
        byte[] binding;
        byte[] proof;
        try {
            binding = Base64.getDecoder().decode(parts[0].substring(2));
            proof = Base64.getDecoder().decode(message.substring(proofAt + 3));
        } catch (IllegalArgumentException e) {
            return fail(SaslStep.Reason.MALFORMED);
        }
        if (!parts[1].substring(2).equals(nonce)) return fail(SaslStep.Reason.MALFORMED);
        if (!MessageDigest.isEqual(binding, expectedBinding())) return fail(SaslStep.Reason.CHANNEL_BINDING);

        ScramCredentials credentials = keys.credentials();
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
        byte[] storedKey = credentials.storedKey();
        byte[] signature = ScramCredentials.hmac(storedKey, authMessage);
        if (proof.length != signature.length) return fail(SaslStep.Reason.MALFORMED);
        byte[] clientKey = new byte[signature.length];
        for (int i = 0; i < clientKey.length; i++) clientKey[i] = (byte) (proof[i] ^ signature[i]);
        boolean matches = MessageDigest.isEqual(ScramCredentials.sha256(clientKey), storedKey);
        Arrays.fill(clientKey, (byte) 0);
        if (!matches || keys.account() == null) return fail(SaslStep.Reason.INVALID_CREDENTIALS);
        if (!SaslMechanisms.authzidPermitted(authzid, keys.account())) {
            return fail(SaslStep.Reason.AUTHORIZATION_REFUSED);
        }
        byte[] serverSignature = ScramCredentials.hmac(credentials.serverKey(), authMessage);
        String serverFinal = "v=" + Base64.getEncoder().encodeToString(serverSignature);
        return new SaslStep.Success(keys.account(), serverFinal.getBytes(StandardCharsets.US_ASCII));
    }

    /** What {@code c=} must decode to: the gs2 header, followed by the binding data with -PLUS. */
    private byte[] expectedBinding() {
        byte[] header = gs2Header.getBytes(StandardCharsets.UTF_8);
        if (!plus) return header;
        byte[] data = channel.tlsServerEndPoint();
        byte[] out = Arrays.copyOf(header, header.length + data.length);
        System.arraycopy(data, 0, out, header.length, data.length);
        return out;
    }

    /** RFC 5802 section 5.1: "=2C" is ",", "=3D" is "="; any other "=" is an error. Null if malformed. */
    private static String saslName(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '=') {
                if (text.startsWith("=2C", i)) {
                    out.append(',');
                } else if (text.startsWith("=3D", i)) {
                    out.append('=');
                } else {
                    return null;
                }
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** RFC 5802 {@code printable}: %x21-2B / %x2D-7E. */
    private static boolean printable(String nonce) {
        for (int i = 0; i < nonce.length(); i++) {
            char c = nonce.charAt(i);
            if (c < 0x21 || c > 0x7E || c == ',') return false;
        }
        return !nonce.isEmpty();
    }

    private static SaslStep fail(SaslStep.Reason reason) {
        return new SaslStep.Failure(reason);
    }
}
