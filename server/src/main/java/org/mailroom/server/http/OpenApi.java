package org.mailroom.server.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** The OpenAPI 3 description of the admin API, written by hand in {@code openapi.json} next to this class. */
final class OpenApi {

    private static final byte[] DOCUMENT = load();

    private OpenApi() {}

    static ApiResponse document() {
        return new ApiResponse(HttpResponseStatus.OK, ApiResponse.JSON_TYPE, DOCUMENT.clone(), Map.of());
    }

    static byte[] load() {
        try (InputStream in = OpenApi.class.getResourceAsStream("openapi.json")) {
            if (in == null) throw new IllegalStateException("openapi.json is missing from the jar");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
