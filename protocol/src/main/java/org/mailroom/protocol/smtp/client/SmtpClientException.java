package org.mailroom.protocol.smtp.client;

import java.io.IOException;

/**
 * The connection failed before a reply could say why: refused, timed out, closed, garbled, or TLS broke.
 * The stage tells the caller whether the next MX may still be tried (before any transaction) or the
 * outcome is unknown (after the message was sent).
 */
public final class SmtpClientException extends IOException {

    public enum Kind { CONNECT, TIMEOUT, CLOSED, PROTOCOL, TLS }

    private final Kind kind;

    public SmtpClientException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
