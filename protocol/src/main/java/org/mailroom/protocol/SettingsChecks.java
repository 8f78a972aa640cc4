package org.mailroom.protocol;

import java.time.Duration;
import java.util.Objects;

/**
 * The checks a listener's settings record makes when it is built, so that a bad configuration fails at start-up
 * with the setting named, not later on a connection.
 */
public final class SettingsChecks {

    private SettingsChecks() {}

    /** A hostname for the greeting and a positive idle timeout: what every listener needs. */
    public static void listener(String hostname, Duration idleTimeout) {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (hostname.isBlank()) throw new IllegalArgumentException("hostname is empty");
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idle timeout must be positive: " + idleTimeout);
        }
    }

    /** At least one failed login before the connection closes, and at least one connection. */
    public static void logins(int maxAuthFailures, int maxConnections) {
        atLeast("max auth failures", maxAuthFailures, 1);
        atLeast("max connections", maxConnections, 1);
    }

    /** @param what the setting as the message names it, "max line length" */
    public static void atLeast(String what, int value, int least) {
        if (value < least) throw new IllegalArgumentException(what + " below " + least + ": " + value);
    }
}
