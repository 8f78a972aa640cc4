package org.mailroom.protocol.managesieve;

import java.time.Duration;
import org.mailroom.protocol.SettingsChecks;

/**
 * How a ManageSieve listener behaves.
 *
 * @param hostname                  named in the greeting
 * @param idleTimeout               a client silent this long gets BYE
 * @param maxLineLength             longest line of a command in octets, CRLF included (literals apart)
 * @param maxScriptSize             largest script in octets ({@code sieve.max_script_size}); a larger PUTSCRIPT
 *                                  gets {@code NO (QUOTA/MAXSIZE)}
 * @param maxScripts                scripts per account ({@code sieve.max_scripts}); one more gets
 *                                  {@code NO (QUOTA/MAXSCRIPTS)}
 * @param maxRedirects              announced as MAXREDIRECTS: redirects one script run may make
 * @param maxAuthFailures           failed logins after which the connection is closed
 * @param maxConnections            open ManageSieve connections, all clients together
 * @param plaintextAuthWithoutTls   whether PLAIN is offered on a connection without TLS (off in the server)
 * @param plaintextAuthFromLoopback passwords in the clear from 127.0.0.0/8 and ::1 (as IMAP and POP3)
 */
public record ManageSieveSettings(String hostname, Duration idleTimeout, int maxLineLength, int maxScriptSize,
                                  int maxScripts, int maxRedirects, int maxAuthFailures, int maxConnections,
                                  boolean plaintextAuthWithoutTls, boolean plaintextAuthFromLoopback) {

    /** RFC 5804 has no autologout timer; IMAP's 30 minutes is what clients that keep a connection expect. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);
    /** Enough for any command but a script in a quoted string (quoted strings stop at 1024 octets anyway). */
    public static final int DEFAULT_MAX_LINE_LENGTH = 8192;
    public static final int DEFAULT_MAX_SCRIPT_SIZE = 64 * 1024;
    public static final int DEFAULT_MAX_SCRIPTS = 16;
    public static final int DEFAULT_MAX_REDIRECTS = 4;
    public static final int DEFAULT_MAX_AUTH_FAILURES = 3;
    public static final int DEFAULT_MAX_CONNECTIONS = 1000;

    public ManageSieveSettings {
        SettingsChecks.listener(hostname, idleTimeout);
        SettingsChecks.atLeast("max line length", maxLineLength, 256);
        SettingsChecks.atLeast("max script size", maxScriptSize, 1);
        SettingsChecks.atLeast("max scripts", maxScripts, 1);
        SettingsChecks.atLeast("max redirects", maxRedirects, 0);
        SettingsChecks.logins(maxAuthFailures, maxConnections);
    }

    /** The defaults, with plaintext allowed everywhere (tests); the server turns that off. */
    public static ManageSieveSettings defaults(String hostname) {
        return new ManageSieveSettings(hostname, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_LINE_LENGTH,
                DEFAULT_MAX_SCRIPT_SIZE, DEFAULT_MAX_SCRIPTS, DEFAULT_MAX_REDIRECTS, DEFAULT_MAX_AUTH_FAILURES,
                DEFAULT_MAX_CONNECTIONS, true, true);
    }

    public ManageSieveSettings withLimits(int scriptSize, int scripts) {
        return new ManageSieveSettings(hostname, idleTimeout, maxLineLength, scriptSize, scripts, maxRedirects,
                maxAuthFailures, maxConnections, plaintextAuthWithoutTls, plaintextAuthFromLoopback);
    }

    public ManageSieveSettings withPlaintext(boolean withoutTls, boolean fromLoopback) {
        return new ManageSieveSettings(hostname, idleTimeout, maxLineLength, maxScriptSize, maxScripts, maxRedirects,
                maxAuthFailures, maxConnections, withoutTls, fromLoopback);
    }

    /**
     * The largest literal read and thrown away before a refusal; beyond it the connection ends. Sixteen scripts'
     * worth, at least 1 MiB: a client that misjudged HAVESPACE is answered, one that floods is not.
     */
    long discardLimit() {
        return Math.max(16L * maxScriptSize, 1L << 20);
    }
}
