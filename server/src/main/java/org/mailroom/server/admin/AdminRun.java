package org.mailroom.server.admin;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.IDN;
import java.time.Clock;
import java.util.Locale;
import org.mailroom.core.mail.MailAddress;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.MailStoreException;
import org.mailroom.server.config.Config;
import org.mailroom.server.config.ConfigException;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What every admin command does around its own work: load the configuration, open the directory, run,
 * close, and turn any failure into one line on stderr with exit code 1. Operators read these lines and
 * scripts test the exit code; neither wants a stack trace.
 */
final class AdminRun {

    /** The work of one command, given the open directory and stdout. */
    interface Action {
        void run(Directory directory, PrintWriter out) throws IOException, AdminException;
    }

    /** The work of a command that also needs the configuration (DKIM settings, host name, DNS servers). */
    interface ConfiguredAction {
        void run(Config config, Directory directory, PrintWriter out) throws IOException, AdminException;
    }

    /** The work of one command on the domains, accounts, aliases, tokens or keys, by whichever transport. */
    interface Operation {
        void run(Config config, AdminOperations admin, PrintWriter out) throws IOException, AdminException;
    }

    /** The work of a command, given its configuration, stdout and stderr. */
    interface Work {
        void run(Config config, PrintWriter out, PrintWriter err) throws IOException, AdminException;
    }

    private AdminRun() {}

    /**
     * Runs a command that changes (or lists) the directory: through the running server's admin API when one runs
     * on this data directory ({@link RemoteAdmin#find}: it then stays the only writer and its caches see the change
     * at once), else on the store directly, as when no server runs. The line on stderr says which.
     */
    static int operate(CommandSpec spec, StoreOptions store, DirectoryOpener opener, Clock clock, Operation action) {
        return report(spec, store, (config, out, err) -> {
            RemoteAdmin server = runningServer(config, err);
            if (server != null) {
                action.run(config, server, out);
                return;
            }
            try (DirectoryOpener.Handle handle = opener.open(config)) {
                action.run(config, new DirectoryAdmin(handle.directory(), clock, config.dkim().rotation()), out);
            }
        });
    }

    static int run(CommandSpec spec, StoreOptions store, DirectoryOpener opener, Action action) {
        return run(spec, store, opener, (config, directory, out) -> action.run(directory, out));
    }

    static int run(CommandSpec spec, StoreOptions store, DirectoryOpener opener, ConfiguredAction action) {
        return report(spec, store, (config, out, err) -> {
            try (DirectoryOpener.Handle handle = opener.open(config)) {
                action.run(config, handle.directory(), out);
            }
        });
    }

    /** Loads the configuration and does the work: 0, or 1 after one line on stderr saying what failed. */
    static int report(CommandSpec spec, StoreOptions store, Work work) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            work.run(store.config(), out, err);
            out.flush();
            return 0;
        } catch (AdminException | ConfigException | MailStoreException e) {
            return fail(err, e.getMessage());
        } catch (IOException e) {
            return fail(err, "storage error: " + e.getMessage());
        } catch (RuntimeException e) {
            // A bug of ours; still one line, the class name tells a developer where to look.
            return fail(err, "internal error: " + e);
        } finally {
            out.flush();
        }
    }

    /**
     * The admin API of the server running on this data directory, or null to work on the store directly; a line
     * on stderr says which (and why not, when a server seems to run but cannot be reached).
     */
    static RemoteAdmin runningServer(Config config, PrintWriter err) {
        RemoteAdmin.Found server = RemoteAdmin.find(config.server().dataDir());
        if (server.admin() != null) {
            err.println("mailroom: through the running server at " + server.admin().url());
            err.flush();
        } else if (server.note() != null) {
            err.println("mailroom: " + server.note() + "; working on the data directory directly");
            err.flush();
        }
        return server.admin();
    }

    /** Closes what a command opened for its work, once the work is done: a failure then has nothing to lose. */
    static void closeAfterWork(AutoCloseable opened) {
        try {
            opened.close();
        } catch (Exception e) {
            // the work is done and its output written
        }
    }

    static int fail(PrintWriter err, String message) {
        err.println("mailroom: " + message);
        err.flush();
        return 1;
    }

    /** Parses an address given on the command line. */
    static MailAddress address(String text) throws AdminException {
        try {
            return MailAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new AdminException("'" + text + "' is not a valid address: " + e.getMessage());
        }
    }

    /**
     * A domain name as the directory keeps it: lower case, no trailing dot. Letters, digits and
     * hyphens per label (RFC 1035 section 2.3.1, in A-label form for internationalised names).
     */
    static String domain(String text) throws AdminException {
        String domain = text.trim().toLowerCase(Locale.ROOT);
        if (domain.endsWith(".")) domain = domain.substring(0, domain.length() - 1);
        String ascii;
        try {
            ascii = IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            throw new AdminException("'" + text + "' is not a valid domain name");
        }
        if (ascii.isEmpty() || ascii.length() > 253) throw new AdminException("'" + text + "' is not a valid domain name");
        for (String label : ascii.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")
                    || !label.matches("[a-z0-9-]+")) {
                throw new AdminException("'" + text + "' is not a valid domain name");
            }
        }
        return domain;
    }

    static void requireLocalDomain(Directory directory, String domain) throws IOException, AdminException {
        new DirectoryAdmin(directory).requireLocalDomain(domain);
    }
}
