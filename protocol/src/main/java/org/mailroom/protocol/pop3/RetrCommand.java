package org.mailroom.protocol.pop3;

import java.io.IOException;
import java.util.Optional;
import org.mailroom.core.store.MessageRecord;

/** RETR (RFC 1939 section 5): the whole message, streamed dot-stuffed by the session. */
final class RetrCommand implements Pop3Command {

    @Override
    public void execute(Pop3Session s, String[] args, String rest) throws IOException {
        if (args.length != 1) {
            s.reply("-ERR RETR needs one message number");
            return;
        }
        Optional<MessageRecord> message = s.namedMessage(args[0]);
        if (message.isPresent()
                && s.startTransfer(message.get(), "+OK " + message.get().size() + " octets", Long.MAX_VALUE)) {
            s.retrieved++;
        }
    }
}
