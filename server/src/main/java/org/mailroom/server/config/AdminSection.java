package org.mailroom.server.config;

/**
 * {@code [admin]}: the admin HTTP API on {@code listen.admin} (see docs/admin-api.md).
 *
 * @param metricsTokenRequired {@code /metrics} asks for a bearer token from loopback clients too; from other
 *                             addresses it always does. {@code /healthz} and {@code /readyz} never do.
 */
public record AdminSection(boolean metricsTokenRequired) {}
