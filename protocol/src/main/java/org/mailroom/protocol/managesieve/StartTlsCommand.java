package org.mailroom.protocol.managesieve;

import org.mailroom.protocol.tls.StartTls;

/** STARTTLS (RFC 5804 section 2.2): after the handshake the capabilities again, and an OK. */
final class StartTlsCommand implements ManageSieveCommand {

    @Override
    public void execute(ManageSieveSession s, Arguments args) throws Arguments.SyntaxException {
        args.end();
        if (s.tls == null) {
            s.reply("NO \"STARTTLS not available\"");
            return;
        }
        if (StartTls.isActive(s.ctx.channel())) {
            s.reply("NO \"TLS is already active\"");
            return;
        }
        s.upgrading = true;
        s.ctx.flush();
        StartTls.upgrade(s.ctx.channel(), s.tls, "OK \"Begin TLS negotiation now\"").addListener(handshake -> {
            if (handshake.isSuccess()) s.ctx.executor().execute(() -> {
                s.upgrading = false;
                s.ctx.writeAndFlush(s.capabilities() + "OK \"TLS negotiation successful\"");
            });
        });
    }
}
