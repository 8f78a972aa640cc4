package org.mailroom.server.admin;

import java.time.Clock;
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
        return AdminRun.operate(spec, store, opener, clock, (config, admin, out) -> {
            DirectoryAdmin.AddedDomain added = admin.addDomain(name);
            String domain = added.name();
            out.println("domain " + domain + " added");
            for (DkimKeyRecord key : added.dkimKeys()) {
                out.println("dkim key " + key.selector() + "._domainkey." + domain + " (" + key.algorithm() + ") made");
            }
            out.println("publish its DNS records: 'mailroom dns records " + domain + "'");
        });
    }

    @Command(name = "remove", description = "Stop receiving mail for DOMAIN (it must have no accounts or aliases left).",
            mixinStandardHelpOptions = true)
    int remove(@Parameters(paramLabel = "DOMAIN") String name, @Mixin StoreOptions store) {
        return AdminRun.operate(spec, store, opener, clock, (config, admin, out) ->
                out.println("domain " + admin.removeDomain(name) + " removed"));
    }

    @Command(name = "list", description = "List local domains, one per line.", mixinStandardHelpOptions = true)
    int list(@Mixin StoreOptions store) {
        return AdminRun.operate(spec, store, opener, clock, (config, admin, out) -> {
            for (String domain : admin.domains()) out.println(domain);
        });
    }
}
