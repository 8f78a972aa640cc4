package org.mailroom.protocol.imap;

import java.time.Duration;
import java.util.Objects;

/**
 * How an IMAP listener behaves. Failed logins are counted and delayed by the shared
 * {@link org.mailroom.core.auth.LoginGuard}, whose limit closes the connection.
 *
 * @param hostname                  greeting text
 * @param idleTimeout               a client silent this long is logged out; RFC 9051 section 5.4 asks for at
 *                                  least 30 minutes (IDLE clients re-issue it every 29)
 * @param maxLineLength             longest line in octets, CRLF included; RFC 7162 section 4 asks servers to take
 *                                  at least 8192 (long UID sets)
 * @param maxLiteralSize            largest literal, so largest APPEND; announced as APPENDLIMIT (RFC 7889)
 * @param maxConnections            open IMAP connections, all clients together
 * @param plaintextAuthWithoutTls   whether LOGIN, AUTHENTICATE PLAIN and LOGIN work on any connection without
 *                                  TLS; off in the server: STARTTLS and port 993 exist
 * @param plaintextAuthFromLoopback passwords in the clear from 127.0.0.0/8 and ::1, which cannot be sniffed on
 *                                  a network (as for POP3)
 * @param mailboxQuota              bytes all of an account's messages may take (RFC 9208 STORAGE); 0 = none
 */
public record ImapSettings(String hostname, Duration idleTimeout, int maxLineLength, long maxLiteralSize,
                           int maxConnections, boolean plaintextAuthWithoutTls, boolean plaintextAuthFromLoopback,
                           long mailboxQuota) {

    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);
    public static final int DEFAULT_MAX_LINE_LENGTH = 65_536;

    public ImapSettings {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (idleTimeout.isNegative() || idleTimeout.isZero()) throw new IllegalArgumentException("idle timeout");
        if (maxLineLength < 1024) throw new IllegalArgumentException("max line length below 1024: " + maxLineLength);
        if (maxLiteralSize < 1) throw new IllegalArgumentException("max literal size below 1");
        if (maxConnections < 1) throw new IllegalArgumentException("max connections below 1");
        if (mailboxQuota < 0) throw new IllegalArgumentException("negative mailbox quota");
    }

    /** Without a quota. */
    public ImapSettings(String hostname, Duration idleTimeout, int maxLineLength, long maxLiteralSize,
                        int maxConnections, boolean plaintextAuthWithoutTls, boolean plaintextAuthFromLoopback) {
        this(hostname, idleTimeout, maxLineLength, maxLiteralSize, maxConnections, plaintextAuthWithoutTls,
                plaintextAuthFromLoopback, 0);
    }

    /**
     * 30 minutes idle, 64 KiB lines, 1000 connections, no quota; passwords in the clear only under TLS or from
     * loopback.
     */
    public static ImapSettings defaults(String hostname, long maxMessageSize) {
        return new ImapSettings(hostname, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_LINE_LENGTH, maxMessageSize, 1000,
                false, true);
    }
}
