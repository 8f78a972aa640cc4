package org.mailroom.protocol.pop3;

import org.mailroom.protocol.tls.StartTls;

/** STLS (RFC 2595 section 4): only before login, only once, through {@link StartTls}. */
final class StlsCommand implements Pop3Command {

    @Override
    public void execute(Pop3Session s, String[] args, String rest) {
        if (s.tls == null) {
            s.reply("-ERR STLS not available");
        } else if (s.tlsActive()) {
            s.reply("-ERR already using TLS");
        } else {
            s.upgrading = true;
            s.ctx.flush();
            StartTls.upgrade(s.ctx.channel(), s.tls, "+OK Begin TLS negotiation").addListener(handshake -> {
                // RFC 2595: the client forgets what it learned (CAPA again); nothing was logged in yet.
                if (handshake.isSuccess()) s.ctx.executor().execute(() -> {
                    s.upgrading = false;
                    s.pendingUser = null;
                });
            });
        }
    }
}
