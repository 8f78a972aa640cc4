package org.mailroom.protocol.smtp;

import java.util.ArrayList;
import java.util.List;

/**
 * EHLO and HELO (RFC 5321 section 4.1.1.1): a new start, without a transaction; EHLO lists the extensions,
 * STARTTLS only before TLS and AUTH only where it may run.
 */
final class HelloCommand implements SmtpCommand {

    private final boolean extended;

    /** @param extended EHLO (ESMTP) rather than HELO */
    HelloCommand(boolean extended) {
        this.extended = extended;
    }

    @Override
    public void execute(SmtpSession s, String arg) {
        String name = arg.trim();
        if (name.isEmpty() || name.indexOf(' ') >= 0) {
            s.error("501 5.5.4 Syntax: " + (extended ? "EHLO" : "HELO") + " hostname");
            return;
        }
        s.resetTransaction();
        s.heloName = name;
        s.esmtp = extended;
        s.state = SmtpSession.State.READY;
        if (!extended) {
            s.reply("250 " + s.settings.hostname());
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add(s.settings.hostname());
        lines.add("PIPELINING");
        lines.add("SIZE " + s.settings.maxMessageSize());
        if (s.tls != null && !s.tlsActive()) lines.add("STARTTLS");
        if (s.auth != null && s.user == null && AuthCommand.mayAuthenticateHere(s)) {
            lines.add("AUTH " + String.join(" ", s.auth.mechanisms().offered(AuthCommand.saslChannel(s))));
        }
        lines.add("8BITMIME");
        lines.add("BINARYMIME");
        lines.add("CHUNKING");
        lines.add("DSN");
        lines.add("ENHANCEDSTATUSCODES");
        lines.add("SMTPUTF8");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            out.append("250").append(i == lines.size() - 1 ? ' ' : '-').append(lines.get(i));
            if (i < lines.size() - 1) out.append("\r\n");
        }
        s.reply(out.toString());
    }
}
