/**
 * The admin listener ({@code listen.admin}): a JSON API over the same admin code as the command line, Prometheus
 * metrics, and health checks. See docs/admin-api.md.
 *
 * <pre>
 *   AdminHttpServer     Netty pipeline: (TLS off loopback) idle timeout, HTTP codec and limits, aggregation
 *   RequestHandler      guards (malformed, 404, 405, 401), then the route, then the JSON reply
 *   AdminRoutes         every route on one screen; openapi.json describes the same list (OpenApiTest)
 *   BearerAuth          who may call what: tokens from AdminTokens, monitors on loopback
 *   AdminApi            /api/domains, users, aliases, queue, DNS records, around DirectoryAdmin and QueueAdmin
 *   DashboardApi        /api/stats, /api/activity, /api/log: what the console's dashboard and log tail read
 *   Health              /healthz, /readyz
 *   PrometheusMetrics   core's Metrics events kept in Micrometer, scraped at /metrics
 *   LogRing             the recent log events in memory (a Logback appender), for the log tail and activity
 *   ConsoleRoutes       the web console: static HTML, script and style sheet (resources console/), no data
 * </pre>
 *
 * <p>Design: the listener knows routes, not the API; the web console's static files are routes too, and its
 * script calls the same API with the same tokens (held in the browser tab, sent as a bearer header). Everything a route does that the command line also does
 * lives in {@code server/admin} (DirectoryAdmin, QueueAdmin, AdminTokens): one rule, two front ends.
 */
package org.mailroom.server.http;
