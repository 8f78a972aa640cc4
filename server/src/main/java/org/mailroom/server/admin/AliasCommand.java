package org.mailroom.server.admin;

import java.io.IOException;
import org.mailroom.core.store.Directory.AliasEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mailroom alias add|remove|list}: mail to SOURCE (in a local domain) also goes to TARGET (any
 * address, local or remote). One source may have several targets, one row each.
 */
@Command(name = "alias", description = "Add, remove or list aliases.", mixinStandardHelpOptions = true)
public final class AliasCommand {

    private final DirectoryOpener opener;

    @Spec
    CommandSpec spec;

    public AliasCommand(DirectoryOpener opener) {
        this.opener = opener;
    }

    @Command(name = "add", description = "Deliver mail for SOURCE to TARGET.", mixinStandardHelpOptions = true)
    int add(@Parameters(index = "0", paramLabel = "SOURCE") String sourceText,
            @Parameters(index = "1", paramLabel = "TARGET") String targetText,
            @Mixin StoreOptions store) {
        return change(store, AdminOperations::addAlias, sourceText, targetText, "added");
    }

    @Command(name = "remove", description = "Stop delivering mail for SOURCE to TARGET.", mixinStandardHelpOptions = true)
    int remove(@Parameters(index = "0", paramLabel = "SOURCE") String sourceText,
               @Parameters(index = "1", paramLabel = "TARGET") String targetText,
               @Mixin StoreOptions store) {
        return change(store, AdminOperations::removeAlias, sourceText, targetText, "removed");
    }

    @Command(name = "list", description = "List aliases, one \"SOURCE TARGET\" per line.", mixinStandardHelpOptions = true)
    int list(@Parameters(arity = "0..1", paramLabel = "SOURCE", description = "Only this source's targets.") String only,
             @Mixin StoreOptions store) {
        return AdminRun.operate(spec, store, opener, java.time.Clock.systemUTC(), (config, admin, out) -> {
            for (AliasEntry alias : admin.aliases(only)) out.println(alias.source() + " " + alias.target());
        });
    }

    private interface Change {
        AliasEntry apply(AdminOperations admin, String source, String target) throws IOException, AdminException;
    }

    /** Adds or removes one alias, and a line naming it. */
    private int change(StoreOptions store, Change change, String source, String target, String done) {
        return AdminRun.operate(spec, store, opener, java.time.Clock.systemUTC(), (config, admin, out) -> {
            AliasEntry alias = change.apply(admin, source, target);
            out.println("alias " + alias.source() + " -> " + alias.target() + " " + done);
        });
    }
}
