package org.mailroom.protocol.pop3;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.mailroom.core.store.MessageRecord;

/**
 * LIST (RFC 1939 section 5: sizes) and UIDL (section 7: unique ids), which differ only in what they say of each
 * message: one message's line with a number, else every message not marked deleted, as a multi-line reply.
 */
final class ListingCommand implements Pop3Command {

    static final ListingCommand LIST = new ListingCommand("LIST",
            (s, m) -> Long.toString(m.size()),
            s -> "+OK " + s.maildrop.count() + " messages (" + s.maildrop.size() + " octets)");
    static final ListingCommand UIDL = new ListingCommand("UIDL",
            (s, m) -> s.maildrop.uniqueId(m),
            s -> "+OK unique-id listing follows");

    private final String name;
    private final BiFunction<Pop3Session, MessageRecord, String> about;
    private final Function<Pop3Session, String> header;

    private ListingCommand(String name, BiFunction<Pop3Session, MessageRecord, String> about,
                           Function<Pop3Session, String> header) {
        this.name = name;
        this.about = about;
        this.header = header;
    }

    @Override
    public void execute(Pop3Session s, String[] args, String rest) {
        if (args.length > 1) {
            s.reply("-ERR " + name + " takes at most one message number");
            return;
        }
        if (args.length == 1) {
            s.namedMessage(args[0])
                    .ifPresent(m -> s.reply("+OK " + Pop3Session.parseNumber(args[0]) + " " + about.apply(s, m)));
            return;
        }
        List<String> lines = new ArrayList<>();
        for (int n = 1; n <= s.maildrop.highestNumber(); n++) {
            int number = n;
            s.maildrop.message(n).ifPresent(m -> lines.add(number + " " + about.apply(s, m)));
        }
        s.reply(Pop3Session.multiline(header.apply(s), lines));
    }
}
