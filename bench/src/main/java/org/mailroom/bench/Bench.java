package org.mailroom.bench;

import java.io.PrintStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The load generator: {@code bench smtp|pop3|imap|idle-memory|corpus|dns}. Plain blocking sockets, one thread
 * per simulated client; figures from the client's clock and from /proc of the server's process tree.
 * Works against any server on loopback; bench/compare runs it against Mailroom, Postfix and Dovecot.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Load generator for mail servers (SMTP, POP3, IMAP) on this machine.")
public final class Bench implements Runnable {

    private final CommandLine commandLine;

    private Bench(PrintStream out) {
        commandLine = new CommandLine(this)
                .addSubcommand(new SmtpLoad(out))
                .addSubcommand(new Pop3Load(out))
                .addSubcommand(new ImapLoad(out))
                .addSubcommand(new IdleMemory(out))
                .addSubcommand(new CorpusCommand(out))
                .addSubcommand(new PasswordHashCommand(out))
                .addSubcommand(new SieveScriptsCommand(out))
                .addSubcommand(new SignedCorpusDns(out));
    }

    public static void main(String[] args) {
        System.exit(run(System.out, args));
    }

    /** Runs one command line, printing figures to {@code out}; returns the exit status. */
    public static int run(PrintStream out, String... args) {
        return new Bench(out).commandLine.execute(args);
    }

    @Override
    public void run() {
        commandLine.usage(System.out);
    }
}
