package org.mailroom.protocol.pop3;

import java.util.ArrayList;
import java.util.List;

/** CAPA (RFC 2449 section 5). USER and SASL are offered only before login, and only where plaintext is allowed. */
final class CapaCommand implements Pop3Command {

    @Override
    public void execute(Pop3Session s, String[] args, String rest) {
        List<String> caps = new ArrayList<>(List.of("TOP", "UIDL"));
        if (s.state == Pop3Session.State.AUTHORIZATION) {
            if (s.plaintextAuthAllowed()) caps.add("USER");
            caps.add("SASL " + String.join(" ", s.sasl.offered(s.saslChannel())));
            if (s.tls != null && !s.tlsActive()) caps.add("STLS");
        }
        caps.addAll(List.of("RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "EXPIRE NEVER", "IMPLEMENTATION Mailroom"));
        s.reply(Pop3Session.multiline("+OK capability list follows", caps));
    }
}
