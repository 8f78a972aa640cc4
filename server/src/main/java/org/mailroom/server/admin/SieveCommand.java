package org.mailroom.server.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.SieveScripts;
import org.mailroom.server.Server;
import org.mailroom.server.config.Config;
import org.mailroom.storage.Storage;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mailroom sieve put|get|list|activate|deactivate|delete}: users' Sieve filters (what ManageSieve does, for
 * the operator), and a domain's global scripts run before and after every account's own
 * ({@code --domain example.org --before|--after}). Changes apply at the next delivery, on every node.
 */
@Command(name = "sieve", mixinStandardHelpOptions = true,
        description = {"Users' Sieve filters and a domain's global scripts.",
                "  sieve put USER NAME FILE           compile and store (FILE '-': standard input)",
                "  sieve put --domain DOMAIN --before|--after FILE",
                "  sieve get USER NAME                print the script",
                "  sieve list USER                    names, the active one marked",
                "  sieve activate USER NAME | deactivate USER | delete USER NAME"})
public final class SieveCommand {

    /** The directory and the scripts, opened from the configuration. */
    public interface Opener {
        Opened open(Config config) throws IOException;
    }

    public record Opened(Directory directory, SieveScripts scripts, AutoCloseable onClose) {}

    public static final Opener FROM_CONFIG = config -> {
        Storage s = Server.openStorage(config);
        return new Opened(s.directory(), s.sieveScripts(), s::close);
    };

    private interface Action {
        void run(SieveAdmin admin, PrintWriter out) throws IOException, AdminException;
    }

    private final Opener opener;
    private final InputStream stdin;

    @Spec
    CommandSpec spec;

    public SieveCommand(Opener opener) {
        this(opener, System.in);
    }

    /** For tests: FILE "-" reads {@code stdin}. */
    public SieveCommand(Opener opener, InputStream stdin) {
        this.opener = opener;
        this.stdin = stdin;
    }

    /** A domain's global script: which of the two. */
    static final class Global {
        @Option(names = "--domain", required = true, paramLabel = "DOMAIN", description = "A local domain.")
        String domain;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Which which;
    }

    static final class Which {
        @Option(names = "--before", description = "The script run before each account's own.")
        boolean before;

        @Option(names = "--after", description = "The script run after each account's own, when it kept the message.")
        boolean after;

        String name() {
            return before ? SieveScripts.BEFORE : SieveScripts.AFTER;
        }
    }

    @Command(name = "put", mixinStandardHelpOptions = true,
            description = "Compile and store a script: put USER NAME FILE, or put --domain DOMAIN --before|--after FILE.")
    int put(@ArgGroup(exclusive = false) Global global,
            @Parameters(paramLabel = "USER NAME FILE", arity = "1..3") java.util.List<String> args,
            @Mixin StoreOptions store) {
        return run(store, (admin, out) -> {
            String owner;
            String name;
            String file;
            if (global != null) {
                if (args.size() != 1) throw new AdminException("with --domain give only FILE");
                owner = admin.domain(global.domain);
                name = global.which.name();
                file = args.get(0);
            } else {
                if (args.size() != 3) throw new AdminException("give USER NAME FILE (or --domain DOMAIN --before|--after FILE)");
                owner = admin.account(args.get(0));
                name = args.get(1);
                file = args.get(2);
            }
            admin.put(owner, name, read(file));
            out.println("script '" + name + "' of " + owner + " stored");
        });
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Print a script: get USER NAME, or get --domain DOMAIN --before|--after.")
    int get(@ArgGroup(exclusive = false) Global global,
            @Parameters(paramLabel = "USER NAME", arity = "0..2") java.util.List<String> args,
            @Mixin StoreOptions store) {
        return onScript(global, args, store, (admin, target, out) -> {
            String text = admin.get(target.owner, target.name).text();
            out.print(text);
            if (!text.endsWith("\n")) out.println();
        });
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The scripts of USER (or of --domain DOMAIN), the active one marked.")
    int list(@Option(names = "--domain", paramLabel = "DOMAIN") String domain,
             @Parameters(paramLabel = "USER", arity = "0..1") String user,
             @Mixin StoreOptions store) {
        return run(store, (admin, out) -> {
            if ((domain == null) == (user == null)) throw new AdminException("give USER or --domain DOMAIN");
            String owner = domain != null ? admin.domain(domain) : admin.account(user);
            for (SieveScripts.Script script : admin.list(owner)) {
                out.println(script.name() + (script.active() ? "  (active)" : ""));
            }
        });
    }

    @Command(name = "activate", mixinStandardHelpOptions = true, description = "Make NAME the script run for USER's mail.")
    int activate(@Parameters(index = "0", paramLabel = "USER") String user,
                 @Parameters(index = "1", paramLabel = "NAME") String name,
                 @Mixin StoreOptions store) {
        return run(store, (admin, out) -> {
            String owner = admin.account(user);
            admin.activate(owner, name);
            out.println("script '" + name + "' of " + owner + " active");
        });
    }

    @Command(name = "deactivate", mixinStandardHelpOptions = true, description = "Run no script of USER's (the scripts stay).")
    int deactivate(@Parameters(paramLabel = "USER") String user, @Mixin StoreOptions store) {
        return run(store, (admin, out) -> {
            String owner = admin.account(user);
            admin.deactivate(owner);
            out.println("no script of " + owner + " active");
        });
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a script: delete USER NAME, or delete --domain DOMAIN --before|--after.")
    int delete(@ArgGroup(exclusive = false) Global global,
               @Parameters(paramLabel = "USER NAME", arity = "0..2") java.util.List<String> args,
               @Mixin StoreOptions store) {
        return onScript(global, args, store, (admin, target, out) -> {
            admin.delete(target.owner, target.name);
            out.println("script '" + target.name + "' of " + target.owner + " deleted");
        });
    }

    private record Target(String owner, String name) {}

    private interface ScriptAction {
        void run(SieveAdmin admin, Target target, PrintWriter out) throws IOException, AdminException;
    }

    /** Works on the one script that USER NAME or --domain DOMAIN --before|--after names. */
    private int onScript(Global global, java.util.List<String> args, StoreOptions store, ScriptAction action) {
        return run(store, (admin, out) -> action.run(admin, target(admin, global, args), out));
    }

    private static Target target(SieveAdmin admin, Global global, java.util.List<String> args)
            throws IOException, AdminException {
        java.util.List<String> given = args == null ? java.util.List.of() : args;
        if (global != null) {
            if (!given.isEmpty()) throw new AdminException("with --domain give no USER or NAME");
            return new Target(admin.domain(global.domain), global.which.name());
        }
        if (given.size() != 2) throw new AdminException("give USER NAME (or --domain DOMAIN --before|--after)");
        return new Target(admin.account(given.get(0)), given.get(1));
    }

    /** The script's text: UTF-8 (RFC 5228 section 2.2), from a file or standard input. */
    private String read(String file) throws IOException, AdminException {
        byte[] bytes;
        try {
            bytes = file.equals("-") ? stdin.readAllBytes() : Files.readAllBytes(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new AdminException("no file " + file);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new AdminException(file + " is not UTF-8 text");
        }
    }

    private int run(StoreOptions store, Action action) {
        return AdminRun.report(spec, store, (config, out, err) -> {
            Opened opened = opener.open(config);
            try {
                action.run(new SieveAdmin(opened.directory(), opened.scripts(), config.sieve().maxScriptSize(),
                        config.sieve().maxScripts()), out);
            } finally {
                AdminRun.closeAfterWork(opened.onClose());
            }
        });
    }
}
