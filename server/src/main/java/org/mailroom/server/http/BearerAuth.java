package org.mailroom.server.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.mailroom.server.admin.AdminTokens;

/**
 * Who may call a route (RFC 6750 bearer tokens). The token is read from the {@code Authorization} header only,
 * never from the URL (which ends up in proxies' logs), and is never logged or echoed.
 */
final class BearerAuth {

    /** The outcome of a check: allowed, or refused with the WWW-Authenticate challenge to send with the 401. */
    record Verdict(boolean allowed, String challenge) {
        static final Verdict ALLOWED = new Verdict(true, null);
    }

    private static final String REALM = "Bearer realm=\"mailroom\"";

    private final AdminTokens tokens;
    private final boolean metricsTokenRequired;
    private final byte[] localToken;

    BearerAuth(AdminTokens tokens, boolean metricsTokenRequired) {
        this(tokens, metricsTokenRequired, null);
    }

    /**
     * @param localToken the command line's token of this start ({@code AdminEndpoint}: a file in the data
     *                   directory, never in the directory), accepted like a stored one; null for none
     */
    BearerAuth(AdminTokens tokens, boolean metricsTokenRequired, String localToken) {
        this.tokens = tokens;
        this.metricsTokenRequired = metricsTokenRequired;
        this.localToken = localToken == null ? null : localToken.getBytes(StandardCharsets.UTF_8);
    }

    Verdict check(Route.Access access, HttpHeaders headers, InetSocketAddress client) throws IOException {
        switch (access) {
            case OPEN:
                return Verdict.ALLOWED;
            case MONITOR:
                boolean loopback = client != null && client.getAddress() != null && client.getAddress().isLoopbackAddress();
                if (loopback && !metricsTokenRequired) return Verdict.ALLOWED;
                return token(headers);
            default:
                return token(headers);
        }
    }

    private Verdict token(HttpHeaders headers) throws IOException {
        String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
        // RFC 6750 section 3: no credentials, just the challenge; wrong ones, error="invalid_token".
        if (authorization == null) return new Verdict(false, REALM);
        String presented = bearer(authorization);
        if (presented != null && localToken != null
                && MessageDigest.isEqual(localToken, presented.getBytes(StandardCharsets.UTF_8))) {
            return Verdict.ALLOWED;
        }
        Optional<String> name = presented == null ? Optional.empty() : tokens.verify(presented);
        return name.isPresent() ? Verdict.ALLOWED : new Verdict(false, REALM + ", error=\"invalid_token\"");
    }

    /** The token of {@code Bearer <token>} (the scheme is case-insensitive, RFC 9110 section 11.1), or null. */
    private static String bearer(String authorization) {
        if (authorization.length() < 7 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
        return authorization.substring(7).trim();
    }
}
