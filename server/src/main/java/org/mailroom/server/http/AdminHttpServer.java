package org.mailroom.server.http;

import java.util.ArrayList;
import java.util.List;
import org.mailroom.protocol.EventLoops;
import org.mailroom.protocol.tls.TlsContext;
import org.mailroom.server.admin.AdminTokens;

/**
 * The admin listener ({@code listen.admin}): HTTP/1.1 ({@link HttpListener}), JSON routes, {@code /metrics} and the
 * health checks, TLS when the address is not loopback.
 *
 * <p>Design note: the listener knows nothing of the API; it serves a list of {@link Route}s: the API's
 * ({@link AdminRoutes}) and the web console's static files ({@link ConsoleRoutes}).
 */
public final class AdminHttpServer extends HttpListener {

    /**
     * @param tls                  the server certificate for a listener off loopback, or null for plain HTTP
     * @param metricsTokenRequired {@code admin.metrics_token_required}
     */
    public AdminHttpServer(EventLoops loops, TlsContext tls, AdminRoutes.Backend backend, boolean metricsTokenRequired) {
        super(loops, tls, new RequestHandler(routes(backend),
                new BearerAuth(new AdminTokens(backend.directory()), metricsTokenRequired, backend.localToken())));
    }

    private static List<Route> routes(AdminRoutes.Backend backend) {
        List<Route> routes = new ArrayList<>(AdminRoutes.of(backend));
        routes.addAll(ConsoleRoutes.of());
        return routes;
    }
}
