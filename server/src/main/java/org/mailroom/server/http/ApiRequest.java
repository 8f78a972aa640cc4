package org.mailroom.server.http;

import io.netty.handler.codec.http.HttpMethod;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One request as a route sees it: the path's parameters by the names of its template ({@code /api/queue/{id}}),
 * the query, and the body, read as JSON on demand.
 */
record ApiRequest(HttpMethod method, String path, Map<String, String> params, Map<String, List<String>> query,
                  byte[] body, InetSocketAddress client) {

    static final JsonMapper JSON = JsonMapper.builder().build();

    /** A path parameter (always present: the route matched). */
    String param(String name) {
        return params.get(name);
    }

    /** The first value of a query parameter, or null. */
    String query(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The body as a JSON object. @throws ApiError 400 with the parser's message when it is not one */
    JsonNode json() throws ApiError {
        if (body.length == 0) throw ApiError.badRequest("a JSON object is required as the request body");
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JacksonException e) {
            throw ApiError.badRequest("the body is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")"));
        }
        if (node == null || !node.isObject()) throw ApiError.badRequest("the body must be a JSON object");
        return node;
    }

    /** A string member of the JSON body. @throws ApiError 400 naming the member when it is missing or not a string */
    String string(JsonNode body, String name) throws ApiError {
        JsonNode value = body.get(name);
        if (value == null || !value.isString()) throw ApiError.badRequest("\"" + name + "\" (a string) is required");
        return value.stringValue();
    }
}
