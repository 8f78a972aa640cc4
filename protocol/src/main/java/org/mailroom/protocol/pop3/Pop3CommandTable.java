package org.mailroom.protocol.pop3;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.mailroom.protocol.pop3.Pop3Session.State;

/**
 * Every POP3 verb and the states it is valid in (RFC 1939 sections 4-7, RFC 2449 section 5, RFC 5034, RFC 2595).
 * A verb in another state gets {@code -ERR} without running.
 */
final class Pop3CommandTable {

    record Entry(Pop3Command command, Set<State> validIn) {}

    private static final Set<State> BEFORE_LOGIN = EnumSet.of(State.AUTHORIZATION);
    private static final Set<State> LOGGED_IN = EnumSet.of(State.TRANSACTION);
    private static final Set<State> ANY = EnumSet.of(State.AUTHORIZATION, State.TRANSACTION);

    private Pop3CommandTable() {}

    static final Map<String, Entry> COMMANDS = Map.ofEntries(
            Map.entry("USER", new Entry(new UserCommand(), BEFORE_LOGIN)),
            Map.entry("PASS", new Entry(new PassCommand(), BEFORE_LOGIN)),
            Map.entry("AUTH", new Entry(new AuthCommand(), BEFORE_LOGIN)),
            Map.entry("STLS", new Entry(new StlsCommand(), BEFORE_LOGIN)),
            Map.entry("CAPA", new Entry(new CapaCommand(), ANY)),
            Map.entry("QUIT", new Entry(new QuitCommand(), ANY)),
            Map.entry("STAT", new Entry((s, args, rest) ->
                    s.reply("+OK " + s.maildrop.count() + " " + s.maildrop.size()), LOGGED_IN)),
            Map.entry("LIST", new Entry(ListingCommand.LIST, LOGGED_IN)),
            Map.entry("UIDL", new Entry(ListingCommand.UIDL, LOGGED_IN)),
            Map.entry("RETR", new Entry(new RetrCommand(), LOGGED_IN)),
            Map.entry("TOP",  new Entry(new TopCommand(), LOGGED_IN)),
            Map.entry("DELE", new Entry(new DeleCommand(), LOGGED_IN)),
            Map.entry("NOOP", new Entry((s, args, rest) -> s.reply("+OK"), LOGGED_IN)),
            Map.entry("RSET", new Entry((s, args, rest) -> {
                s.maildrop.unmarkAll();
                s.reply("+OK maildrop has " + s.maildrop.count() + " messages (" + s.maildrop.size() + " octets)");
            }, LOGGED_IN)));
}
