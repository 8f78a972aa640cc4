package org.mailroom.server.http;

import io.netty.handler.codec.http.HttpMethod;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One endpoint: method, path template ({@code /api/queue/{id}/flush}, the same form as in openapi.json), who may
 * call it, and the code that answers.
 */
record Route(HttpMethod method, String template, Access access, Handler handler) {

    /** Who may call a route. */
    enum Access {
        /** Anyone who can connect: {@code /healthz}, {@code /readyz}, the OpenAPI document. */
        OPEN,
        /** {@code /metrics}: no token from loopback unless {@code admin.metrics_token_required}; elsewhere a token. */
        MONITOR,
        /** A valid bearer token. */
        TOKEN
    }

    @FunctionalInterface
    interface Handler {
        ApiResponse handle(ApiRequest request) throws Exception;
    }

    /** The template's parameters taken from {@code segments} (decoded path segments), or null if it does not match. */
    Map<String, String> match(List<String> segments) {
        String[] parts = template.substring(1).split("/", -1);
        if (parts.length != segments.size()) return null;
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.startsWith("{") && part.endsWith("}")) {
                if (segments.get(i).isEmpty()) return null;
                params.put(part.substring(1, part.length() - 1), segments.get(i));
            } else if (!part.equals(segments.get(i))) {
                return null;
            }
        }
        return params;
    }
}
