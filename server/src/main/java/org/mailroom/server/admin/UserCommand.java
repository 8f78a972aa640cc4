package org.mailroom.server.admin;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalLong;
import org.mailroom.core.store.Directory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mailroom user add|remove|list|passwd|quota|disable|enable|app-password}: accounts in local domains, their storage limits,
 * and their app passwords (one generated password per device, revoked alone; see {@link AppPasswords}).
 *
 * <p>Passwords are read, in order of preference, from standard input ({@code --password-stdin}, one
 * line: for scripts), from the terminal (asked twice, not echoed), or from {@code --password} (visible
 * to every user of the machine in {@code ps}, so it prints a warning; meant for tests).
 */
@Command(name = "user", description = "Add, remove or list accounts, change a password or a storage limit, manage app passwords.",
        mixinStandardHelpOptions = true)
public final class UserCommand {

    private final DirectoryOpener opener;
    private final InputStream stdin;

    @Spec
    CommandSpec spec;

    public UserCommand(DirectoryOpener opener) {
        this(opener, System.in);
    }

    /** For tests: reads {@code --password-stdin} from {@code stdin}. */
    public UserCommand(DirectoryOpener opener, InputStream stdin) {
        this.opener = opener;
        this.stdin = stdin;
    }

    /** Where the password comes from; at most one of these, none meaning the terminal. */
    static final class PasswordSource {
        @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
        boolean fromStdin;

        @Option(names = "--password", paramLabel = "PASSWORD",
                description = "The password itself (shows in 'ps': prefer --password-stdin).")
        String given;
    }

    @Command(name = "add", description = "Create the account ADDRESS in a local domain.", mixinStandardHelpOptions = true)
    int add(@Parameters(paramLabel = "ADDRESS") String text,
            @ArgGroup(exclusive = true) PasswordSource source,
            @Mixin StoreOptions store) {
        return AdminRun.operate(spec, store, opener, java.time.Clock.systemUTC(), (config, admin, out) -> {
            // Check before asking, so nobody types a password for nothing.
            String account = admin.checkNewAccount(text);
            withPassword(source, account, password -> admin.addAccount(account, password));
            out.println("account " + account + " added");
        });
    }

    @Command(name = "passwd", description = "Change the password of ADDRESS.", mixinStandardHelpOptions = true)
    int passwd(@Parameters(paramLabel = "ADDRESS") String text,
               @ArgGroup(exclusive = true) PasswordSource source,
               @Mixin StoreOptions store) {
        return AdminRun.operate(spec, store, opener, java.time.Clock.systemUTC(), (config, admin, out) -> {
            String account = admin.checkAccount(text);
            withPassword(source, account, password -> admin.setPassword(account, password));
            out.println("password of " + account + " changed");
        });
    }

    @Command(name = "remove", description = "Delete the account ADDRESS and its mail.", mixinStandardHelpOptions = true)
    int remove(@Parameters(paramLabel = "ADDRESS") String text, @Mixin StoreOptions store) {
        return AdminRun.operate(spec, store, opener, java.time.Clock.systemUTC(), (config, admin, out) ->
                out.println("account " + admin.removeAccount(text) + " removed"));
    }

    @Command(name = "list", description = "List accounts, one per line.", mixinStandardHelpOptions = true)
    int list(@Parameters(arity = "0..1", paramLabel = "DOMAIN", description = "Only the accounts of this domain.") String only,
             @Mixin StoreOptions store) {
        return AdminRun.operate(spec, store, opener, java.time.Clock.systemUTC(), (config, admin, out) -> {
            for (String account : admin.accounts(only)) out.println(account);
        });
    }

    @Command(name = "quota", mixinStandardHelpOptions = true,
            description = {"Show or set the storage limit of ADDRESS (all its mailboxes together).",
                    "  quota ADDRESS          prints the limit and whether it is the account's own or the default",
                    "  quota ADDRESS 2GiB     sets its own limit (sizes as in mailroom.toml, also 500M, 2G; 0 = none)",
                    "  quota ADDRESS none     removes its own limit: limits.mailbox_quota applies again"})
    int quota(@Parameters(index = "0", paramLabel = "ADDRESS") String text,
              @Parameters(index = "1", arity = "0..1", paramLabel = "SIZE|none") String size,
              @Mixin StoreOptions store) {
        return AdminRun.operate(spec, store, opener, java.time.Clock.systemUTC(), (config, admin, out) -> {
            String account = AdminRun.address(text).canonical();
            if (size != null) admin.setQuota(account, DirectoryAdmin.parseQuota(size));
            OptionalLong own = admin.quota(account);
            long limit = own.orElse(config.limits().mailboxQuota());
            String shown = limit == 0 ? "none" : limit + " bytes";
            out.println(account + ": " + shown + (own.isPresent() ? " (its own)" : " (the default, limits.mailbox_quota)"));
        });
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = {"Disable ADDRESS: every login (password, app passwords, SCRAM) is refused at once.",
                    "Its mail is kept and mail to it is still delivered; 'user enable' lets it log in again."})
    int disable(@Parameters(paramLabel = "ADDRESS") String text, @Mixin StoreOptions store) {
        return AdminRun.operate(spec, store, opener, java.time.Clock.systemUTC(), (config, admin, out) ->
                out.println("account " + admin.setDisabled(text, true) + " disabled (mail to it is still delivered)"));
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable a disabled ADDRESS again.")
    int enable(@Parameters(paramLabel = "ADDRESS") String text, @Mixin StoreOptions store) {
        return AdminRun.operate(spec, store, opener, java.time.Clock.systemUTC(), (config, admin, out) ->
                out.println("account " + admin.setDisabled(text, false) + " enabled"));
    }

    /** The three actions of {@code user app-password}. */
    enum AppPasswordAction { add, list, remove }

    @Command(name = "app-password", mixinStandardHelpOptions = true,
            description = {"Manage app passwords: a generated password per device, for IMAP, POP3 and SMTP, revoked alone.",
                    "  app-password add ADDRESS NAME      prints the new password (shown this once)",
                    "  app-password list ADDRESS          names and creation times",
                    "  app-password remove ADDRESS NAME   revokes it"})
    int appPassword(@Parameters(index = "0", paramLabel = "ACTION", description = "add, list or remove") AppPasswordAction action,
                    @Parameters(index = "1", paramLabel = "ADDRESS") String text,
                    @Parameters(index = "2", arity = "0..1", paramLabel = "NAME") String name,
                    @Mixin StoreOptions store) {
        return AdminRun.operate(spec, store, opener, java.time.Clock.systemUTC(), (config, admin, out) -> {
            switch (action) {
                case add: {
                    char[] password = admin.addAppPassword(text, name);
                    try {
                        out.println("app password '" + name + "' of " + AdminRun.address(text).canonical() + ": "
                                + new String(password));
                        out.println("use it instead of the account password on that device; it is not shown again");
                    } finally {
                        Arrays.fill(password, '\0');
                    }
                    break;
                }
                case list:
                    for (Directory.AppPassword p : admin.appPasswords(text)) out.println(p.name() + "\t" + p.created());
                    break;
                case remove:
                    admin.removeAppPassword(text, name);
                    out.println("app password '" + name + "' of " + AdminRun.address(text).canonical() + " removed");
                    break;
                default:
                    throw new IllegalStateException(String.valueOf(action));
            }
        });
    }

    private interface PasswordUse {
        void accept(char[] password) throws IOException, AdminException;
    }

    /** Reads the password for {@code account}, hands it over and clears it, whatever happens. */
    private void withPassword(PasswordSource source, String account, PasswordUse use) throws IOException, AdminException {
        char[] password = readPassword(source, account);
        try {
            use.accept(password);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private char[] readPassword(PasswordSource source, String account) throws IOException, AdminException {
        char[] password;
        if (source != null && source.fromStdin) {
            password = readLine(stdin);
            if (password == null) throw new AdminException("no password on standard input");
        } else if (source != null && source.given != null) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("mailroom: warning: --password shows in the process list (ps); prefer --password-stdin");
            err.flush();
            password = source.given.toCharArray();
        } else {
            password = askTwice(account);
        }
        if (password.length == 0) throw new AdminException("empty password refused");
        return password;
    }

    private static char[] askTwice(String account) throws AdminException {
        Console console = System.console();
        if (console == null) {
            throw new AdminException("no terminal to ask for the password: use --password-stdin");
        }
        char[] first = console.readPassword("Password for %s: ", account);
        char[] second = console.readPassword("Again: ");
        if (first == null || second == null) throw new AdminException("no password given");
        boolean same = Arrays.equals(first, second);
        Arrays.fill(second, '\0');
        if (!same) {
            Arrays.fill(first, '\0');
            throw new AdminException("the passwords do not match");
        }
        return first;
    }

    /**
     * One line of UTF-8 from {@code in}, without its line end; null at end of input. Reads byte by byte
     * so that nothing after the line is consumed, and never builds a String of the password.
     */
    static char[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int b;
        boolean any = false;
        while ((b = in.read()) != -1) {
            any = true;
            if (b == '\n') break;
            bytes.write(b);
        }
        if (!any) return null;
        byte[] raw = bytes.toByteArray();
        int length = raw.length;
        if (length > 0 && raw[length - 1] == '\r') length--;
        CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(raw, 0, length));
        char[] password = Arrays.copyOf(chars.array(), chars.limit());
        Arrays.fill(raw, (byte) 0);
        Arrays.fill(chars.array(), '\0');
        return password;
    }
}
