package org.mailroom.protocol.imap;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.mailroom.protocol.imap.ImapSession.State;
import org.mailroom.protocol.imap.commands.AppendCommand;
import org.mailroom.protocol.imap.commands.AuthenticateCommand;
import org.mailroom.protocol.imap.commands.CapabilityCommand;
import org.mailroom.protocol.imap.commands.CloseCommand;
import org.mailroom.protocol.imap.commands.CompressCommand;
import org.mailroom.protocol.imap.commands.CopyCommand;
import org.mailroom.protocol.imap.commands.CreateCommand;
import org.mailroom.protocol.imap.commands.DeleteCommand;
import org.mailroom.protocol.imap.commands.EnableCommand;
import org.mailroom.protocol.imap.commands.ExpungeCommand;
import org.mailroom.protocol.imap.commands.FetchCommand;
import org.mailroom.protocol.imap.commands.GetQuotaCommand;
import org.mailroom.protocol.imap.commands.GetQuotaRootCommand;
import org.mailroom.protocol.imap.commands.SetQuotaCommand;
import org.mailroom.protocol.imap.commands.IdCommand;
import org.mailroom.protocol.imap.commands.IdleCommand;
import org.mailroom.protocol.imap.commands.ListCommand;
import org.mailroom.protocol.imap.commands.LoginCommand;
import org.mailroom.protocol.imap.commands.LogoutCommand;
import org.mailroom.protocol.imap.commands.LsubCommand;
import org.mailroom.protocol.imap.commands.MoveCommand;
import org.mailroom.protocol.imap.commands.NamespaceCommand;
import org.mailroom.protocol.imap.commands.NoopCommand;
import org.mailroom.protocol.imap.commands.RenameCommand;
import org.mailroom.protocol.imap.commands.SearchCommand;
import org.mailroom.protocol.imap.commands.SelectCommand;
import org.mailroom.protocol.imap.commands.SortCommand;
import org.mailroom.protocol.imap.commands.StartTlsCommand;
import org.mailroom.protocol.imap.commands.StatusCommand;
import org.mailroom.protocol.imap.commands.StoreCommand;
import org.mailroom.protocol.imap.commands.SubscribeCommand;
import org.mailroom.protocol.imap.commands.ThreadCommand;
import org.mailroom.protocol.imap.commands.UnselectCommand;

/**
 * Every IMAP command, with the states it is valid in (RFC 9051 sections 6.1-6.4). A command not valid in the
 * current state gets a BAD without running. {@code UID FETCH} and friends are looked up in {@link #UID_COMMANDS}.
 */
public final class CommandTable {

    public record Entry(ImapCommand command, Set<State> states) {}

    private static final Set<State> ANY = EnumSet.of(State.NOT_AUTHENTICATED, State.AUTHENTICATED, State.SELECTED);
    private static final Set<State> NOT_AUTH = EnumSet.of(State.NOT_AUTHENTICATED);
    private static final Set<State> AUTH = EnumSet.of(State.AUTHENTICATED, State.SELECTED);
    private static final Set<State> SELECTED = EnumSet.of(State.SELECTED);

    private CommandTable() {}

    public static final Map<String, Entry> COMMANDS = Map.ofEntries(
            Map.entry("CAPABILITY",   new Entry(new CapabilityCommand(), ANY)),
            Map.entry("NOOP",         new Entry(new NoopCommand(), ANY)),
            Map.entry("LOGOUT",       new Entry(new LogoutCommand(), ANY)),
            Map.entry("ID",           new Entry(new IdCommand(), ANY)),
            Map.entry("LOGIN",        new Entry(new LoginCommand(), NOT_AUTH)),
            Map.entry("AUTHENTICATE", new Entry(new AuthenticateCommand(), NOT_AUTH)),
            Map.entry("STARTTLS",     new Entry(new StartTlsCommand(), NOT_AUTH)),
            Map.entry("ENABLE",       new Entry(new EnableCommand(), AUTH)),
            Map.entry("SELECT",       new Entry(new SelectCommand(false), AUTH)),
            Map.entry("EXAMINE",      new Entry(new SelectCommand(true), AUTH)),
            Map.entry("CREATE",       new Entry(new CreateCommand(), AUTH)),
            Map.entry("DELETE",       new Entry(new DeleteCommand(), AUTH)),
            Map.entry("RENAME",       new Entry(new RenameCommand(), AUTH)),
            Map.entry("SUBSCRIBE",    new Entry(new SubscribeCommand(true), AUTH)),
            Map.entry("UNSUBSCRIBE",  new Entry(new SubscribeCommand(false), AUTH)),
            Map.entry("LIST",         new Entry(new ListCommand(), AUTH)),
            Map.entry("LSUB",         new Entry(new LsubCommand(), AUTH)),
            Map.entry("NAMESPACE",    new Entry(new NamespaceCommand(), AUTH)),
            Map.entry("STATUS",       new Entry(new StatusCommand(), AUTH)),
            Map.entry("APPEND",       new Entry(new AppendCommand(), AUTH)),
            Map.entry("IDLE",         new Entry(new IdleCommand(), AUTH)),
            Map.entry("GETQUOTA",     new Entry(new GetQuotaCommand(), AUTH)),
            Map.entry("GETQUOTAROOT", new Entry(new GetQuotaRootCommand(), AUTH)),
            Map.entry("SETQUOTA",     new Entry(new SetQuotaCommand(), AUTH)),
            Map.entry("COMPRESS",     new Entry(new CompressCommand(), AUTH)),
            Map.entry("CHECK",        new Entry(new NoopCommand(), SELECTED)),
            Map.entry("CLOSE",        new Entry(new CloseCommand(), SELECTED)),
            Map.entry("UNSELECT",     new Entry(new UnselectCommand(), SELECTED)),
            Map.entry("EXPUNGE",      new Entry(new ExpungeCommand(), SELECTED)),
            Map.entry("SEARCH",       new Entry(new SearchCommand(), SELECTED)),
            Map.entry("FETCH",        new Entry(new FetchCommand(), SELECTED)),
            Map.entry("STORE",        new Entry(new StoreCommand(), SELECTED)),
            Map.entry("COPY",         new Entry(new CopyCommand(), SELECTED)),
            Map.entry("MOVE",         new Entry(new MoveCommand(), SELECTED)),
            Map.entry("SORT",         new Entry(new SortCommand(), SELECTED)),
            Map.entry("THREAD",       new Entry(new ThreadCommand(), SELECTED)));

    /** {@code UID command}: the same classes, told by {@link Request#uid()} that sets hold UIDs. */
    public static final Map<String, Entry> UID_COMMANDS = Map.of(
            "FETCH",   COMMANDS.get("FETCH"),
            "STORE",   COMMANDS.get("STORE"),
            "SEARCH",  COMMANDS.get("SEARCH"),
            "COPY",    COMMANDS.get("COPY"),
            "MOVE",    COMMANDS.get("MOVE"),
            "SORT",    COMMANDS.get("SORT"),
            "THREAD",  COMMANDS.get("THREAD"),
            "EXPUNGE", COMMANDS.get("EXPUNGE"));
}
