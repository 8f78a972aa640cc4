package org.mailroom.protocol.managesieve;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.mailroom.protocol.managesieve.ManageSieveSession.State;

/**
 * Every ManageSieve verb and the states it is valid in (RFC 5804 section 2). A verb in another state gets
 * {@code NO} without running.
 */
final class ManageSieveCommandTable {

    record Entry(ManageSieveCommand command, Set<State> validIn) {}

    private static final Set<State> BEFORE_LOGIN = EnumSet.of(State.NOT_AUTHENTICATED);
    private static final Set<State> LOGGED_IN = EnumSet.of(State.AUTHENTICATED);
    private static final Set<State> ANY = EnumSet.allOf(State.class);

    private ManageSieveCommandTable() {}

    static final Map<String, Entry> COMMANDS = Map.ofEntries(
            Map.entry("AUTHENTICATE", new Entry(new AuthenticateCommand(), BEFORE_LOGIN)),
            Map.entry("STARTTLS", new Entry(new StartTlsCommand(), BEFORE_LOGIN)),
            Map.entry("CAPABILITY", new Entry((s, args) -> {
                args.end();
                s.reply(s.capabilities() + "OK");
            }, ANY)),
            Map.entry("LOGOUT", new Entry((s, args) -> {
                args.end();
                s.outcome = "LOGOUT";
                s.bye("OK \"Logout complete\"");
            }, ANY)),
            Map.entry("NOOP", new Entry(new NoopCommand(), ANY)),
            Map.entry("HAVESPACE", new Entry(new HaveSpaceCommand(), LOGGED_IN)),
            Map.entry("PUTSCRIPT", new Entry(new PutScriptCommand(), LOGGED_IN)),
            Map.entry("CHECKSCRIPT", new Entry(new CheckScriptCommand(), LOGGED_IN)),
            Map.entry("LISTSCRIPTS", new Entry(new ListScriptsCommand(), LOGGED_IN)),
            Map.entry("SETACTIVE", new Entry(new SetActiveCommand(), LOGGED_IN)),
            Map.entry("GETSCRIPT", new Entry(new GetScriptCommand(), LOGGED_IN)),
            Map.entry("DELETESCRIPT", new Entry(new DeleteScriptCommand(), LOGGED_IN)),
            Map.entry("RENAMESCRIPT", new Entry(new RenameScriptCommand(), LOGGED_IN)),
            Map.entry("UNAUTHENTICATE", new Entry((s, args) -> {
                args.end();
                s.state = State.NOT_AUTHENTICATED;
                s.account = null;
                s.reply("OK");
            }, LOGGED_IN)));
}
