package org.mailroom.protocol.pop3;

import java.io.IOException;

/** PASS (RFC 1939 section 7), after USER; the whole rest of the line is the password, spaces included. */
final class PassCommand implements Pop3Command {

    @Override
    public void execute(Pop3Session s, String[] args, String password) throws IOException {
        if (s.pendingUser == null) {
            s.reply("-ERR send USER first");
            return;
        }
        String login = s.pendingUser;
        s.pendingUser = null; // RFC 1939 section 7: after a failed PASS the client starts again with USER
        if (password.isEmpty()) {
            s.reply("-ERR PASS needs the password");
            return;
        }
        Pop3Login.withPassword(s, login, password.toCharArray());
    }
}
