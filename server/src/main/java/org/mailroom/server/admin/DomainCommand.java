package org.mailroom.server.admin;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.DkimKeyRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mailroom domain add|remove|list}: the domains this server receives mail for. */
@Command(name = "domain", description = "Add, remove or list local domains.", mixinStandardHelpOptions = true)
public final class DomainCommand {

    private final DirectoryOpener opener;

    @Spec
    CommandSpec spec;

    private final Clock clock;

    public DomainCommand(DirectoryOpener opener) {
        this(opener, Clock.systemUTC());
    }

    DomainCommand(DirectoryOpener opener, Clock clock) {
        this.opener = opener;
        this.clock = clock;
    }

    @Command(name = "add", description = "Receive mail for DOMAIN, and make its DKIM keys (RSA-2048 and Ed25519).",
            mixinStandardHelpOptions = true)
    int add(@Parameters(paramLabel = "DOMAIN") String name, @Mixin StoreOptions store) {
        return AdminRun.run(spec, store, opener, (directory, out) -> {
            String domain = AdminRun.domain(name);
            if (!directory.addDomain(domain)) throw new AdminException("domain '" + domain + "' is already a local domain");
            out.println("domain " + domain + " added");
            // The first pair signs at once: nothing better exists, and until its records are in DNS verifiers
            // ignore the signatures (RFC 6376 section 6.1).
            for (DkimKeyRecord key : DkimCommand.addPair(directory, domain, DkimKeyRecord.State.ACTIVE, clock.instant())) {
                out.println("dkim key " + key.selector() + "._domainkey." + domain + " (" + key.algorithm() + ") made");
            }
            out.println("publish its DNS records: 'mailroom dns records " + domain + "'");
        });
    }

    @Command(name = "remove", description = "Stop receiving mail for DOMAIN (it must have no accounts or aliases left).",
            mixinStandardHelpOptions = true)
    int remove(@Parameters(paramLabel = "DOMAIN") String name, @Mixin StoreOptions store) {
        return AdminRun.run(spec, store, opener, (directory, out) -> {
            String domain = AdminRun.domain(name);
            AdminRun.requireLocalDomain(directory, domain);
            // Say what is in the way here rather than relying on the store's own refusal.
            String users = countOf(accountsIn(directory, domain).size(), "account");
            String aliases = countOf(aliasesIn(directory, domain).size(), "alias");
            if (!users.isEmpty() || !aliases.isEmpty()) {
                String what = users.isEmpty() ? aliases : aliases.isEmpty() ? users : users + " and " + aliases;
                throw new AdminException("domain '" + domain + "' still has " + what
                        + ": remove them first ('mailroom user list " + domain + "', 'mailroom alias list')");
            }
            if (!directory.removeDomain(domain)) throw new AdminException("domain '" + domain + "' is not a local domain");
            out.println("domain " + domain + " removed");
        });
    }

    @Command(name = "list", description = "List local domains, one per line.", mixinStandardHelpOptions = true)
    int list(@Mixin StoreOptions store) {
        return AdminRun.run(spec, store, opener, (directory, out) -> {
            List<String> domains = new ArrayList<>(directory.domains());
            domains.sort(null);
            for (String domain : domains) out.println(domain);
        });
    }

    static List<String> accountsIn(Directory directory, String domain) throws IOException {
        List<String> found = new ArrayList<>();
        for (String account : directory.accounts()) {
            if (account.endsWith("@" + domain)) found.add(account);
        }
        return found;
    }

    private static List<Directory.AliasEntry> aliasesIn(Directory directory, String domain) throws IOException {
        List<Directory.AliasEntry> found = new ArrayList<>();
        for (Directory.AliasEntry alias : directory.aliases()) {
            if (alias.source().toLowerCase(Locale.ROOT).endsWith("@" + domain)) found.add(alias);
        }
        return found;
    }

    private static String countOf(int n, String noun) {
        if (n == 0) return "";
        return n + " " + noun + (n == 1 ? "" : noun.endsWith("s") ? "es" : "s");
    }
}
