package org.mailroom.server.http;

import static io.netty.handler.codec.http.HttpMethod.DELETE;
import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;
import static org.mailroom.server.http.Route.Access.MONITOR;
import static org.mailroom.server.http.Route.Access.OPEN;
import static org.mailroom.server.http.Route.Access.TOKEN;

import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.function.Supplier;
import org.mailroom.core.dkim.DkimRotation;
import org.mailroom.core.store.Directory;
import org.mailroom.server.admin.QueueAdmin;
import org.mailroom.server.config.Config;

/**
 * Every route of the admin listener, on one screen. {@code openapi.json} describes the same list (a test holds
 * the two together); the web console's pages are in {@link ConsoleRoutes}.
 */
public final class AdminRoutes {

    /**
     * What the routes work on.
     *
     * @param wakeQueue        tells the queue runner to look now (after a flush)
     * @param metrics          the meters behind {@code /metrics}
     * @param notListening     names of configured listeners that are not accepting (for {@code /readyz})
     * @param config           the running configuration, for the DNS records a domain needs
     * @param log              the recent log events, for the console's activity list and log tail
     * @param localToken       the token of this start for the command line ({@code AdminEndpoint}), or null
     * @param dkimRotation     {@code dkim.publish_delay} and {@code dkim.retire_after}
     */
    public record Backend(Directory directory, QueueAdmin queue, Runnable wakeQueue, PrometheusMetrics metrics,
                          Supplier<List<String>> notListening, Config config, LogRing log, String localToken,
                          DkimRotation.Settings dkimRotation) {

        /** Without the configuration (no DNS records), a log ring, a local token; the default DKIM rotation (tests). */
        public Backend(Directory directory, QueueAdmin queue, Runnable wakeQueue, PrometheusMetrics metrics,
                       Supplier<List<String>> notListening) {
            this(directory, queue, wakeQueue, metrics, notListening, null, null, null, DkimRotation.Settings.DEFAULT);
        }
    }

    private AdminRoutes() {}

    static List<Route> of(Backend backend) {
        AdminApi api = new AdminApi(backend.directory(), backend.queue(), backend.wakeQueue(), backend.config(),
                backend.dkimRotation());
        DashboardApi dashboard = new DashboardApi(backend.metrics(), backend.log());
        Health health = new Health(backend.directory(), backend.notListening());
        return List.of(
                route(GET, "/healthz", OPEN, health::live),
                route(GET, "/readyz", OPEN, health::ready),
                route(GET, "/metrics", MONITOR, r -> ApiResponse.text(
                        "text/plain; version=0.0.4; charset=utf-8", backend.metrics().scrape())),
                route(GET, "/api/openapi.json", OPEN, r -> OpenApi.document()),

                route(GET, "/api/domains", TOKEN, api::listDomains),
                route(POST, "/api/domains", TOKEN, api::addDomain),
                route(DELETE, "/api/domains/{domain}", TOKEN, api::removeDomain),
                route(GET, "/api/domains/{domain}/dns", TOKEN, api::dnsRecords),
                route(POST, "/api/domains/{domain}/dkim/rotate", TOKEN, api::rotateDkim),
                route(DELETE, "/api/domains/{domain}/dkim/{selector}", TOKEN, api::retireDkim),
                route(GET, "/api/dkim", TOKEN, api::listDkim),

                route(GET, "/api/users", TOKEN, api::listUsers),
                route(POST, "/api/users", TOKEN, api::addUser),
                route(GET, "/api/users/{address}", TOKEN, api::showUser),
                route(PUT, "/api/users/{address}/password", TOKEN, api::setPassword),
                route(PUT, "/api/users/{address}/quota", TOKEN, api::setQuota),
                route(PUT, "/api/users/{address}/disabled", TOKEN, api::setDisabled),
                route(DELETE, "/api/users/{address}", TOKEN, api::removeUser),
                route(GET, "/api/users/{address}/app-passwords", TOKEN, api::listAppPasswords),
                route(POST, "/api/users/{address}/app-passwords", TOKEN, api::addAppPassword),
                route(DELETE, "/api/users/{address}/app-passwords/{name}", TOKEN, api::removeAppPassword),

                route(GET, "/api/aliases", TOKEN, api::listAliases),
                route(POST, "/api/aliases", TOKEN, api::addAlias),
                route(DELETE, "/api/aliases/{source}/{target}", TOKEN, api::removeAlias),

                route(GET, "/api/queue", TOKEN, api::listQueue),
                route(POST, "/api/queue/flush", TOKEN, api::flushAll),
                route(GET, "/api/queue/{id}", TOKEN, api::showQueued),
                route(DELETE, "/api/queue/{id}", TOKEN, api::deleteQueued),
                route(POST, "/api/queue/{id}/flush", TOKEN, api::flushQueued),
                route(POST, "/api/queue/{id}/bounce", TOKEN, api::bounceQueued),

                route(GET, "/api/stats", TOKEN, dashboard::stats),
                route(GET, "/api/activity", TOKEN, dashboard::activity),
                route(GET, "/api/log", TOKEN, dashboard::log),

                route(GET, "/api/tokens", TOKEN, api::listTokens),
                route(POST, "/api/tokens", TOKEN, api::addToken),
                route(DELETE, "/api/tokens/{name}", TOKEN, api::removeToken));
    }

    private static Route route(HttpMethod method, String template, Route.Access access, Route.Handler handler) {
        return new Route(method, template, access, handler);
    }
}
