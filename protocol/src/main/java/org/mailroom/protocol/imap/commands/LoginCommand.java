package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapLogin;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LOGIN (RFC 9051 section 6.2.3), through the same authenticator (and its cache) and the same login guard as
 * SASL. Refused with PRIVACYREQUIRED where LOGINDISABLED is announced.
 */
public final class LoginCommand implements ImapCommand {

    private static final Logger LOG = LoggerFactory.getLogger(LoginCommand.class);

    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        String user = request.args().astring("the user name");
        char[] password = request.args().astring("the password").toCharArray();
        request.args().end();
        try {
            if (!session.plaintextAuthAllowed()) {
                session.no(request, "[PRIVACYREQUIRED] LOGIN needs TLS: use STARTTLS first");
                return;
            }
            if (!session.guard().mayAttempt()) {
                // RFC 5530: the client network is over the rate; nothing was checked.
                session.no(request, "[UNAVAILABLE] Too many login attempts, try again later");
                return;
            }
            Optional<String> account;
            try {
                account = session.sasl().authenticator().verifyPassword(user, password);
            } catch (IOException e) {
                LOG.warn("IMAP LOGIN for {}: directory unavailable: {}", user, e.toString());
                session.no(request, "[UNAVAILABLE] Authentication is unavailable, try again later");
                return;
            }
            if (account.isEmpty()) {
                // Unknown user or wrong password: one answer for both.
                ImapLogin.failed(session, request, "[AUTHENTICATIONFAILED] Authentication failed");
                return;
            }
            session.authenticated(request, account.get());
        } finally {
            Arrays.fill(password, '\0');
        }
    }
}
