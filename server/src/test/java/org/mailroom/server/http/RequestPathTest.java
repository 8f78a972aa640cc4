package org.mailroom.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Paths are split before they are decoded, so an encoded slash stays inside its segment. */
class RequestPathTest {

    @Test
    void segmentsArePercentDecodedAsUtf8AndPlusStaysPlus() {
        assertThat(RequestHandler.segments("/api/users/j%C3%B6rg%40example.test/password"))
                .containsExactly("api", "users", "jörg@example.test", "password");
        assertThat(RequestHandler.segments("/api/aliases/a+b@x.test/c%2Fd@y.test"))
                .containsExactly("api", "aliases", "a+b@x.test", "c/d@y.test");
        assertThat(RequestHandler.segments("/api/domains/%zz")).isNull();
        assertThat(RequestHandler.segments("/api/domains/%4")).isNull();
        assertThat(RequestHandler.segments("api")).isNull();
    }

    @Test
    void templatesMatchWholeSegments() {
        Route route = new Route(io.netty.handler.codec.http.HttpMethod.POST, "/api/queue/{id}/flush", Route.Access.TOKEN,
                r -> ApiResponse.noContent());
        assertThat(route.match(List.of("api", "queue", "abc", "flush"))).isEqualTo(Map.of("id", "abc"));
        assertThat(route.match(List.of("api", "queue", "", "flush"))).isNull();
        assertThat(route.match(List.of("api", "queue", "abc"))).isNull();
        assertThat(route.match(List.of("api", "queue", "abc", "flush", ""))).isNull();
    }
}
