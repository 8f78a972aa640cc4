package org.mailroom.server.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.mailroom.core.store.Directory;

/**
 * {@code /healthz}: the process answers (a supervisor restarts it when not). {@code /readyz}: it can do its work,
 * so a load balancer may send it clients: the store answers a query, and every configured listener accepts.
 */
final class Health {

    /** A domain no one can add (RFC 2606 reserves .invalid): the cheapest indexed question the store can answer. */
    private static final String PROBE = "readiness-probe.invalid";

    private final Directory directory;
    private final Supplier<List<String>> notListening;

    Health(Directory directory, Supplier<List<String>> notListening) {
        this.directory = directory;
        this.notListening = notListening;
    }

    ApiResponse live(ApiRequest request) {
        return ApiResponse.ok(Map.of("status", "up"));
    }

    ApiResponse ready(ApiRequest request) {
        List<String> problems = new ArrayList<>();
        try {
            directory.isLocalDomain(PROBE);
        } catch (Exception e) {
            problems.add("store: " + e.getMessage());
        }
        for (String name : notListening.get()) problems.add("listener " + name + ": not listening");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", problems.isEmpty() ? "ready" : "not ready");
        if (!problems.isEmpty()) body.put("problems", problems);
        return ApiResponse.json(problems.isEmpty() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body);
    }
}
