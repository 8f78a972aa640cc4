package org.mailroom.protocol.pop3;

import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import org.mailroom.protocol.FailedLogin;

/**
 * What USER/PASS and AUTH share: the password check through the shared cache and {@code LoginGuard}, the delayed
 * reply to a failure, and the refusal when the client's network is over its attempts.
 */
final class Pop3Login {

    private Pop3Login() {}

    /** Checks a USER/PASS login (the array is wiped) through the same cache and guard as SASL. */
    static void withPassword(Pop3Session s, String login, char[] password) throws IOException {
        s.loginName = login;
        if (!s.guard.mayAttempt()) {
            Arrays.fill(password, '\0');
            tooManyAttempts(s);
            return;
        }
        Optional<String> found;
        try {
            found = s.sasl.authenticator().verifyPassword(login, password);
        } catch (IOException e) {
            // The directory is away (database down): RFC 2449 section 8.2 [SYS/TEMP], not a failed login.
            Pop3Session.LOG.warn("POP3 password check for {} unavailable: {}", login, e.toString());
            s.reply("-ERR [SYS/TEMP] authentication is unavailable, try again later");
            return;
        } finally {
            Arrays.fill(password, '\0');
        }
        if (found.isEmpty()) {
            failed(s);
            return;
        }
        s.guard.succeeded();
        s.openMaildrop(found.get());
    }

    /** A failed login, refused through {@link FailedLogin}: after the guard's delay, closing after the last one. */
    static void failed(Pop3Session s) {
        boolean last = FailedLogin.refuse("pop3", s.guard, s.ctx, s, close -> {
            if (close) s.replyAndClose("-ERR [AUTH] invalid credentials");
            else s.reply("-ERR [AUTH] invalid credentials");
        });
        if (last) s.outcome = "too many authentication failures";
    }

    /** RFC 2449 section 8.2 [SYS/TEMP]: this client network made too many attempts; nothing was checked. */
    static void tooManyAttempts(Pop3Session s) {
        s.outcome = "login attempts over the rate limit";
        s.replyAndClose("-ERR [SYS/TEMP] too many login attempts, try again later");
    }
}
