package org.mailroom.protocol.pop3;

import java.io.IOException;
import java.util.Optional;
import org.mailroom.core.store.MessageRecord;

/** TOP (RFC 1939 section 7): the header section and the first n lines of the body. */
final class TopCommand implements Pop3Command {

    @Override
    public void execute(Pop3Session s, String[] args, String rest) throws IOException {
        if (args.length != 2) {
            s.reply("-ERR TOP needs a message number and a line count");
            return;
        }
        long lines = Pop3Session.parseCount(args[1]);
        if (lines < 0) {
            s.reply("-ERR line count must be a non-negative number");
            return;
        }
        Optional<MessageRecord> message = s.namedMessage(args[0]);
        if (message.isPresent()) s.startTransfer(message.get(), "+OK top of message follows", lines);
    }
}
