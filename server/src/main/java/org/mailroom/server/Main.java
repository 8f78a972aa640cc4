package org.mailroom.server;

import org.mailroom.server.admin.AliasCommand;
import org.mailroom.server.admin.ConfigCommand;
import org.mailroom.server.admin.DirectoryOpener;
import org.mailroom.server.admin.DkimCommand;
import org.mailroom.server.admin.DnsCommand;
import org.mailroom.server.admin.DomainCommand;
import org.mailroom.server.admin.UserCommand;
import org.mailroom.storage.Storage;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mailroom} command: {@code serve}, {@code demo} and the management commands. */
@Command(name = "mailroom", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Mailroom, a complete Internet mail server.",
        subcommands = {ServeCommand.class, DemoCommand.class, ReloadCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command tree, also used by tests to run commands in-process. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main())
                .addSubcommand(new DomainCommand(STORE))
                .addSubcommand(new UserCommand(STORE))
                .addSubcommand(new AliasCommand(STORE))
                .addSubcommand(new DkimCommand(STORE))
                .addSubcommand(new DnsCommand(STORE))
                .addSubcommand(new org.mailroom.server.admin.QueueCommand(org.mailroom.server.admin.QueueCommand.FROM_CONFIG))
                .addSubcommand(new org.mailroom.server.admin.SieveCommand(org.mailroom.server.admin.SieveCommand.FROM_CONFIG))
                .addSubcommand(new org.mailroom.server.admin.AdminCommand(STORE))
                .addSubcommand(new ConfigCommand())
                .addSubcommand(new org.mailroom.server.admin.MigrateCommand());
    }

    /**
     * Management commands open the same store as the running server (SQLite or PostgreSQL: both let the CLI
     * and the servers work at once), and the server reads the directory afresh on each look-up, so changes
     * apply without a restart.
     */
    private static final DirectoryOpener STORE = config -> {
        Storage storage = Server.openStorage(config);
        return DirectoryOpener.Handle.of(storage.directory(), storage::close);
    };

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version from the jar's manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"Mailroom " + (v == null ? "development" : v)};
        }
    }
}
