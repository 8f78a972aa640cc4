package org.mailroom.bench;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import org.mailroom.core.auth.PasswordHash;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code bench password-hash PASSWORD}: prints the argon2id PHC string Mailroom stores, with Mailroom's
 * costs, so bench/compare gives Dovecot's passwd-file the very same hash cost (Dovecot's ARGON2ID scheme
 * reads PHC strings): logins then cost the same on both sides.
 */
@Command(name = "password-hash", mixinStandardHelpOptions = true,
        description = "Print Mailroom's argon2id hash of PASSWORD (for a Dovecot passwd-file).")
final class PasswordHashCommand implements Callable<Integer> {

    private final PrintStream out;

    PasswordHashCommand(PrintStream out) {
        this.out = out;
    }

    @Parameters(paramLabel = "PASSWORD")
    String password;

    @Override
    public Integer call() {
        out.println(PasswordHash.hash(password.toCharArray()));
        return 0;
    }
}
