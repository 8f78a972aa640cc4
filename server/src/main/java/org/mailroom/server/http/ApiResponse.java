package org.mailroom.server.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a route answers: a status, a body with its type, and any extra headers. */
record ApiResponse(HttpResponseStatus status, String contentType, byte[] body, Map<String, String> headers) {

    static final String JSON_TYPE = "application/json";

    static ApiResponse json(HttpResponseStatus status, Object value) {
        return new ApiResponse(status, JSON_TYPE, ApiRequest.JSON.writeValueAsBytes(value), Map.of());
    }

    static ApiResponse ok(Object value) {
        return json(HttpResponseStatus.OK, value);
    }

    static ApiResponse created(Object value) {
        return json(HttpResponseStatus.CREATED, value);
    }

    static ApiResponse noContent() {
        return new ApiResponse(HttpResponseStatus.NO_CONTENT, null, new byte[0], Map.of());
    }

    static ApiResponse text(String contentType, String text) {
        return new ApiResponse(HttpResponseStatus.OK, contentType, text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static ApiResponse error(HttpResponseStatus status, String message) {
        return json(status, Map.of("error", message));
    }

    ApiResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiResponse(status, contentType, body, Map.copyOf(more));
    }
}
