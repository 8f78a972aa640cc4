package org.mailroom.protocol.smtp;

import org.mailroom.protocol.tls.StartTls;

/**
 * STARTTLS (RFC 3207), through {@link StartTls}, which also refuses command injection. Refused, it reads the
 * next command itself; accepted, the decoder is resumed by StartTls once TLS is in place.
 */
final class StartTlsCommand implements SmtpCommand {

    @Override
    public void execute(SmtpSession s, String arg) {
        if (s.tls == null) {
            s.error("502 5.5.1 Error: command not implemented");
            s.next();
        } else if (s.tlsActive()) {
            s.error("503 5.5.1 Error: TLS already active");
            s.next();
        } else if (!arg.isEmpty()) {
            s.error("501 5.5.4 Syntax: STARTTLS");
            s.next();
        } else {
            s.state = SmtpSession.State.TLS_HANDSHAKE;
            StartTls.upgrade(s.ctx.channel(), s.tls, SmtpSession.line("220 2.0.0 Ready to start TLS"))
                    .addListener(handshake -> {
                        if (handshake.isSuccess()) s.ctx.executor().execute(() -> afterTls(s));
                    });
        }
    }

    /** RFC 3207 section 4.2: forget everything learned before TLS; the client starts over with EHLO. */
    private static void afterTls(SmtpSession s) {
        s.resetTransaction();
        s.heloName = null;
        s.esmtp = false;
        s.user = null;
        s.state = SmtpSession.State.CONNECTED;
    }
}
