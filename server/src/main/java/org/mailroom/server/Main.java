package org.mailroom.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mailroom} command: {@code serve}, {@code demo} and the management commands. */
@Command(name = "mailroom", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Mailroom, a complete Internet mail server.",
        subcommands = {ServeCommand.class, DemoCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command tree, also used by tests to run commands in-process. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main());
    }

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
