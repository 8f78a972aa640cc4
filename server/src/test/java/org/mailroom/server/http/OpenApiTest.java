package org.mailroom.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** openapi.json and the route table describe the same API: every documented route is served, and the reverse. */
class OpenApiTest {

    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    @Test
    void everyRouteIsDocumentedAndEveryDocumentedRouteIsServed() {
        JsonNode doc = ApiRequest.JSON.readTree(OpenApi.load());
        assertThat(doc.get("openapi").asString()).startsWith("3.0");
        Set<String> documented = new TreeSet<>();
        for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                if (HTTP_METHODS.contains(op.getKey())) documented.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }
        Set<String> served = new TreeSet<>();
        for (Route route : AdminRoutes.of(new AdminRoutes.Backend(null, null, () -> { }, null, java.util.List::of))) {
            served.add(route.method().name() + " " + route.template());
        }
        assertThat(served).hasSizeGreaterThan(15);
        assertThat(documented).isEqualTo(served);
    }

    @Test
    void routesWithoutATokenAreMarkedSoInTheDocument() {
        JsonNode doc = ApiRequest.JSON.readTree(OpenApi.load());
        for (Route route : AdminRoutes.of(new AdminRoutes.Backend(null, null, () -> { }, null, java.util.List::of))) {
            JsonNode op = doc.get("paths").get(route.template()).get(route.method().name().toLowerCase(Locale.ROOT));
            boolean open = op.has("security") && op.get("security").isEmpty();
            assertThat(open).as(route.method() + " " + route.template()).isEqualTo(route.access() == Route.Access.OPEN);
            assertThat(op.get("responses").has("401")).as(route.template()).isEqualTo(route.access() != Route.Access.OPEN);
        }
    }
}
