package org.mailroom.protocol.pop3;

import java.time.Duration;
import org.mailroom.protocol.SettingsChecks;

/**
 * How a POP3 listener behaves.
 *
 * @param hostname                 named in the greeting and the sign-off
 * @param idleTimeout              the autologout timer: a client silent this long is disconnected without
 *                                 entering UPDATE, so nothing it marked is deleted. RFC 1939 section 3 asks for
 *                                 at least 10 minutes; shorter values are accepted for tests.
 * @param maxLineLength            longest client line in octets, CRLF included; RFC 2449 section 4 limits
 *                                 commands to 255. The same limit applies to an AUTH PLAIN continuation line
 *                                 (enough for about 180 octets of user name and password together).
 * @param maxAuthFailures          failed logins after which the connection is closed
 * @param maxConnections           open POP3 connections, all clients together; one more is refused with
 *                                 {@code -ERR [SYS/TEMP]}
 * @param plaintextAuthWithoutTls  whether USER/PASS and AUTH PLAIN are offered on a connection without TLS.
 *                                 Off in the server: STLS and port 995 exist.
 * @param plaintextAuthFromLoopback passwords in the clear from 127.0.0.0/8 and ::1, which cannot be sniffed on
 *                                 a network (Dovecot holds the same); on in the server
 */
public record Pop3Settings(String hostname, Duration idleTimeout, int maxLineLength, int maxAuthFailures,
                           int maxConnections, boolean plaintextAuthWithoutTls, boolean plaintextAuthFromLoopback) {

    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);
    public static final int DEFAULT_MAX_LINE_LENGTH = 255;
    public static final int DEFAULT_MAX_AUTH_FAILURES = 3;
    public static final int DEFAULT_MAX_CONNECTIONS = 1000;

    public Pop3Settings {
        SettingsChecks.listener(hostname, idleTimeout);
        // Room for the longest fixed command ("AUTH PLAIN" plus a short argument).
        SettingsChecks.atLeast("max line length", maxLineLength, 64);
        SettingsChecks.logins(maxAuthFailures, maxConnections);
    }

    /** The defaults: 10 minutes idle, 255-octet lines, 3 login failures, 1000 connections, plaintext allowed. */
    public static Pop3Settings defaults(String hostname) {
        return new Pop3Settings(hostname, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_LINE_LENGTH, DEFAULT_MAX_AUTH_FAILURES,
                DEFAULT_MAX_CONNECTIONS, true, true);
    }
}
