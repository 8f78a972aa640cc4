package org.mailroom.protocol.pop3;

/** USER (RFC 1939 section 7): only where passwords may cross, and the same answer whether the account exists. */
final class UserCommand implements Pop3Command {

    @Override
    public void execute(Pop3Session s, String[] args, String rest) {
        if (!s.plaintextAuthAllowed()) {
            s.reply("-ERR [AUTH] plaintext authentication needs TLS");
            return;
        }
        if (args.length != 1) {
            s.reply("-ERR USER needs one argument, the full address");
            return;
        }
        // The same answer whether or not the account exists: the check happens at PASS.
        s.pendingUser = args[0];
        s.reply("+OK send PASS");
    }
}
