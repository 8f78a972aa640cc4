package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;
import java.util.Optional;

/** LOGIN (RFC 9051 section 6.2.3), checked through the session's {@code PasswordCheck}. */
public final class LoginCommand implements ImapCommand {
    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        String user = request.args().astring("the user name");
        String password = request.args().astring("the password");
        request.args().end();
        if (!session.plaintextAuthAllowed()) {
            session.no(request, "[PRIVACYREQUIRED] LOGIN needs TLS");
            return;
        }
        login(session, request, user, password.toCharArray());
    }

    /** Shared with AUTHENTICATE PLAIN. */
    static void login(ImapSession session, Request request, String user, char[] password) throws IOException {
        Optional<String> account = session.passwords().authenticate(user, password);
        java.util.Arrays.fill(password, '\0');
        if (account.isEmpty()) {
            boolean tooMany = session.loginFailed();
            session.no(request, "[AUTHENTICATIONFAILED] Authentication failed");
            if (tooMany) {
                session.untagged("BYE Too many failed logins");
                session.closeAfterReply();
            }
            return;
        }
        session.loggedIn(account.get());
        session.ok(request, "[CAPABILITY " + session.capabilities() + "] Logged in");
    }
}
