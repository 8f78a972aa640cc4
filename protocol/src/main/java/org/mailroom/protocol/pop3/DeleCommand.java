package org.mailroom.protocol.pop3;

/** DELE (RFC 1939 section 5): marks only; QUIT removes (the UPDATE state), a dropped connection never does. */
final class DeleCommand implements Pop3Command {

    @Override
    public void execute(Pop3Session s, String[] args, String rest) {
        if (args.length != 1) {
            s.reply("-ERR DELE needs one message number");
            return;
        }
        int number = Pop3Session.parseNumber(args[0]);
        if (s.maildrop.isDeleted(number)) {
            s.reply("-ERR message " + number + " already deleted");
        } else if (s.namedMessage(args[0]).isPresent()) {
            s.maildrop.markDeleted(number);
            s.reply("+OK message " + number + " deleted");
        }
    }
}
