/**
 * The admin listener ({@code listen.admin}): a JSON API over the same admin code as the command line, Prometheus
 * metrics, and health checks. See docs/admin-api.md.
 *
 * <pre>
 *   AdminHttpServer     Netty pipeline: (TLS off loopback) idle timeout, HTTP codec and limits, aggregation
 *   RequestHandler      guards (malformed, 404, 405, 401), then the route, then the JSON reply
 *   AdminRoutes         every route on one screen; openapi.json describes the same list (OpenApiTest)
 *   BearerAuth          who may call what: tokens from AdminTokens, monitors on loopback
 *   AdminApi            /api/domains, users, aliases, queue, around DirectoryAdmin and QueueAdmin
 *   Health              /healthz, /readyz
 *   PrometheusMetrics   core's Metrics events kept in Micrometer, scraped at /metrics
 * </pre>
 *
 * <p>Design: the listener knows routes, not the API, so the web console can later be served by it (pages and
 * static files are routes too) behind the same tokens. Everything a route does that the command line also does
 * lives in {@code server/admin} (DirectoryAdmin, QueueAdmin, AdminTokens): one rule, two front ends.
 */
package org.mailroom.server.http;
