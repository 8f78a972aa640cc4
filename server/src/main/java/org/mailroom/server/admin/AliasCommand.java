package org.mailroom.server.admin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.mailroom.core.mail.MailAddress;
import org.mailroom.core.store.Directory.AliasEntry;
import org.mailroom.core.store.MailStoreException;
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
        return AdminRun.run(spec, store, opener, (directory, out) -> {
            MailAddress source = AdminRun.address(sourceText);
            MailAddress target = AdminRun.address(targetText);
            AdminRun.requireLocalDomain(directory, source.domain());
            if (source.canonical().equals(target.canonical())) {
                throw new AdminException("an alias from '" + source + "' to itself would loop");
            }
            try {
                // The source is a key of ours (canonical); the target keeps its case for other hosts.
                directory.addAlias(source.canonical(), target.toString());
            } catch (MailStoreException.AlreadyExists e) {
                throw new AdminException("alias " + source.canonical() + " -> " + target + " exists already");
            }
            out.println("alias " + source.canonical() + " -> " + target + " added");
        });
    }

    @Command(name = "remove", description = "Stop delivering mail for SOURCE to TARGET.", mixinStandardHelpOptions = true)
    int remove(@Parameters(index = "0", paramLabel = "SOURCE") String sourceText,
               @Parameters(index = "1", paramLabel = "TARGET") String targetText,
               @Mixin StoreOptions store) {
        return AdminRun.run(spec, store, opener, (directory, out) -> {
            MailAddress source = AdminRun.address(sourceText);
            MailAddress target = AdminRun.address(targetText);
            if (!directory.removeAlias(source.canonical(), target.toString())) {
                throw new AdminException("no alias " + source.canonical() + " -> " + target);
            }
            out.println("alias " + source.canonical() + " -> " + target + " removed");
        });
    }

    @Command(name = "list", description = "List aliases, one \"SOURCE TARGET\" per line.", mixinStandardHelpOptions = true)
    int list(@Parameters(arity = "0..1", paramLabel = "SOURCE", description = "Only this source's targets.") String only,
             @Mixin StoreOptions store) {
        return AdminRun.run(spec, store, opener, (directory, out) -> {
            String wanted = only == null ? null : AdminRun.address(only).canonical();
            List<AliasEntry> aliases = new ArrayList<>(directory.aliases());
            aliases.sort(Comparator.comparing(AliasEntry::source).thenComparing(AliasEntry::target));
            for (AliasEntry alias : aliases) {
                if (wanted == null || alias.source().equalsIgnoreCase(wanted)) out.println(alias.source() + " " + alias.target());
            }
        });
    }
}
