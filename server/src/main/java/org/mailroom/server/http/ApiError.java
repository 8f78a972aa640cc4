package org.mailroom.server.http;

import io.netty.handler.codec.http.HttpResponseStatus;

/** A refusal with its HTTP status and the message sent as {@code {"error": "..."}}. */
final class ApiError extends Exception {

    private final HttpResponseStatus status;

    ApiError(HttpResponseStatus status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    HttpResponseStatus status() {
        return status;
    }

    static ApiError badRequest(String message) {
        return new ApiError(HttpResponseStatus.BAD_REQUEST, message);
    }
}
