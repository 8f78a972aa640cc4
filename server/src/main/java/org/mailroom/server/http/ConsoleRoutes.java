package org.mailroom.server.http;

import static io.netty.handler.codec.http.HttpMethod.GET;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The web console: three static files (HTML, one script, one style sheet) committed as resources next to this
 * class and served as they are, with no build step. The page holds no data: its script calls the JSON API with
 * the token the administrator typed, kept in the tab's sessionStorage and sent as a bearer header (no cookie, so
 * no cross-site request can act with it). The files themselves need no token; the listener's headers
 * (RequestHandler) forbid framing and any script, style or connection from elsewhere.
 *
 * <pre>
 *   GET /, /console        303 to /console/
 *   GET /console/          index.html
 *   GET /console/{file}    console.js, console.css; anything else 404
 * </pre>
 */
final class ConsoleRoutes {

    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8",
            "console.css", "text/css; charset=utf-8");
    private static final Map<String, byte[]> FILES = load();

    private ConsoleRoutes() {}

    static List<Route> of() {
        return List.of(
                new Route(GET, "/", Route.Access.OPEN, r -> toConsole()),
                new Route(GET, "/console", Route.Access.OPEN, r -> toConsole()),
                new Route(GET, "/console/", Route.Access.OPEN, r -> file("index.html")),
                new Route(GET, "/console/{file}", Route.Access.OPEN, r -> file(r.param("file"))));
    }

    private static ApiResponse toConsole() {
        return new ApiResponse(HttpResponseStatus.SEE_OTHER, null, new byte[0], Map.of("Location", "/console/"));
    }

    private static ApiResponse file(String name) throws ApiError {
        byte[] body = FILES.get(name);
        if (body == null) throw new ApiError(HttpResponseStatus.NOT_FOUND, "no such resource: /console/" + name);
        return new ApiResponse(HttpResponseStatus.OK, TYPES.get(name), body.clone(), Map.of());
    }

    private static Map<String, byte[]> load() {
        Map<String, byte[]> files = new java.util.HashMap<>();
        for (String name : TYPES.keySet()) {
            try (InputStream in = ConsoleRoutes.class.getResourceAsStream("console/" + name)) {
                if (in == null) throw new IllegalStateException("console/" + name + " is missing from the jar");
                files.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Map.copyOf(files);
    }
}
