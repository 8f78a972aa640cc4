package org.mailroom.server.admin;

import org.mailroom.core.store.Directory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mailroom admin token add|list|remove}: bearer tokens of the admin HTTP API (docs/admin-api.md). A new
 * token is printed once; only its SHA-256 is kept.
 */
@Command(name = "admin", description = "Manage access to the admin HTTP API.", mixinStandardHelpOptions = true)
public final class AdminCommand {

    private final DirectoryOpener opener;

    @Spec
    CommandSpec spec;

    public AdminCommand(DirectoryOpener opener) {
        this.opener = opener;
    }

    /** The three actions of {@code admin token}. */
    enum TokenAction { add, list, remove }

    @Command(name = "token", mixinStandardHelpOptions = true,
            description = {"Manage bearer tokens of the admin API.",
                    "  token add NAME      prints a new token (shown this once)",
                    "  token list          names and creation times",
                    "  token remove NAME   revokes it at once"})
    int token(@Parameters(index = "0", paramLabel = "ACTION", description = "add, list or remove") TokenAction action,
              @Parameters(index = "1", arity = "0..1", paramLabel = "NAME") String name,
              @Mixin StoreOptions store) {
        return AdminRun.operate(spec, store, opener, java.time.Clock.systemUTC(), (config, admin, out) -> {
            switch (action) {
                case add:
                    out.println(admin.addToken(name));
                    out.println("admin token '" + name + "' added; send it as 'Authorization: Bearer <token>'."
                            + " It is not shown again.");
                    break;
                case list:
                    for (Directory.AdminToken t : admin.tokens()) out.println(t.name() + "\t" + t.created());
                    break;
                case remove:
                    admin.removeToken(name);
                    out.println("admin token '" + name + "' removed");
                    break;
                default:
                    throw new IllegalStateException(String.valueOf(action));
            }
        });
    }
}
