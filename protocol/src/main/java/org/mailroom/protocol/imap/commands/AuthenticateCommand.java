package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * AUTHENTICATE PLAIN (RFC 9051 section 6.2.2, RFC 4616), with the initial response on the command line
 * (SASL-IR, RFC 4959) or after an empty "+" challenge. The shared SASL component will replace this one
 * mechanism; the password check goes through the same seam as LOGIN.
 */
public final class AuthenticateCommand implements ImapCommand {
    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        String mechanism = request.args().atom("the SASL mechanism");
        String initial = request.args().hasNext() ? request.args().astring("the initial response") : null;
        request.args().end();
        if (!mechanism.equalsIgnoreCase("PLAIN")) {
            session.no(request, "[CANNOT] Unsupported mechanism " + mechanism);
            return;
        }
        if (!session.plaintextAuthAllowed()) {
            session.no(request, "[PRIVACYREQUIRED] PLAIN needs TLS");
            return;
        }
        if (initial != null) {
            respond(session, request, initial);
        } else {
            session.send("+ ");
            session.expectContinuation((s, line) -> respond(s, request, line));
        }
    }

    private static void respond(ImapSession session, Request request, String response) throws IOException {
        if (response.equals("*")) {
            session.bad(request, "Authentication cancelled");
            return;
        }
        byte[] message;
        try {
            // "=" is an empty initial response (RFC 4959 section 3).
            message = response.equals("=") ? new byte[0] : Base64.getDecoder().decode(response.trim());
        } catch (IllegalArgumentException e) {
            session.bad(request, "Malformed base64");
            return;
        }
        // [authzid] NUL authcid NUL passwd
        int first = indexOf(message, 0);
        int second = first < 0 ? -1 : indexOf(message, first + 1);
        if (second < 0) {
            session.bad(request, "Malformed PLAIN message");
            return;
        }
        String authzid = new String(message, 0, first, StandardCharsets.UTF_8);
        String authcid = new String(message, first + 1, second - first - 1, StandardCharsets.UTF_8);
        char[] password = new String(message, second + 1, message.length - second - 1, StandardCharsets.UTF_8)
                .toCharArray();
        java.util.Arrays.fill(message, (byte) 0);
        if (!authzid.isEmpty() && !authzid.equalsIgnoreCase(authcid)) {
            session.no(request, "[AUTHORIZATIONFAILED] Cannot act as another user");
            return;
        }
        LoginCommand.login(session, request, authcid, password);
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) if (bytes[i] == 0) return i;
        return -1;
    }
}
