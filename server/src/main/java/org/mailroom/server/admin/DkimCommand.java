package org.mailroom.server.admin;

import java.time.Clock;
import java.util.List;
import org.mailroom.core.store.DkimKeyRecord;
import org.mailroom.core.store.DkimKeyRecord.State;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mailroom dkim list|rotate|retire}: a domain's DKIM keys and their rotation ({@code DkimRotation} has the
 * rules). Every domain has a pair, RSA-2048 and Ed25519, made by {@code domain add}; selectors are
 * {@code mr<yyyymmdd>r} and {@code mr<yyyymmdd>e} (UTC date of making).
 */
@Command(name = "dkim", description = "List, rotate or retire the DKIM keys of local domains.", mixinStandardHelpOptions = true)
public final class DkimCommand {

    private final DirectoryOpener opener;
    private final Clock clock;

    @Spec
    CommandSpec spec;

    public DkimCommand(DirectoryOpener opener) {
        this(opener, Clock.systemUTC());
    }

    DkimCommand(DirectoryOpener opener, Clock clock) {
        this.opener = opener;
        this.clock = clock;
    }

    @Command(name = "list", description = "List the keys of DOMAIN (or of every domain): selector, algorithm, state.",
            mixinStandardHelpOptions = true)
    int list(@Parameters(arity = "0..1", paramLabel = "DOMAIN") String name, @Mixin StoreOptions store) {
        return AdminRun.operate(spec, store, opener, clock, (config, admin, out) -> {
            for (AdminOperations.DkimStatus s : admin.dkimKeys(name)) {
                DkimKeyRecord key = s.key();
                out.println(key.domain() + " " + key.selector() + " " + key.algorithm() + " " + key.state().text() + " "
                        + describe(s));
            }
        });
    }

    @Command(name = "rotate", description = "Make DOMAIN's next pair of keys: published now (mailroom dns records),"
            + " signing after dkim.publish_delay; the old pair then stays in DNS for dkim.retire_after.",
            mixinStandardHelpOptions = true)
    int rotate(@Parameters(paramLabel = "DOMAIN") String name, @Mixin StoreOptions store) {
        return AdminRun.operate(spec, store, opener, clock, (config, admin, out) -> {
            List<AdminOperations.DkimStatus> made = admin.rotateDkim(name);
            boolean first = false;
            for (AdminOperations.DkimStatus s : made) {
                DkimKeyRecord key = s.key();
                first |= key.state() == State.ACTIVE;
                out.println("dkim key " + key.selector() + "._domainkey." + key.domain() + " (" + key.algorithm() + ") "
                        + describe(s));
            }
            if (!first && !made.isEmpty()) {
                String domain = made.get(0).key().domain();
                out.println("publish the new records now ('mailroom dns records " + domain
                        + "'), then check them with 'mailroom dns check " + domain + "'");
            }
        });
    }

    @Command(name = "retire", description = "Remove a key of DOMAIN now: a retired one (out of DNS before"
            + " dkim.retire_after) or a published one (cancels a rotation); a signing one only with --force.",
            mixinStandardHelpOptions = true)
    int retire(@Parameters(index = "0", paramLabel = "DOMAIN") String name,
               @Parameters(index = "1", paramLabel = "SELECTOR") String selector,
               @Option(names = "--force", description = "Also a key that signs (a leaked key): mail goes out"
                       + " without that signature until the next key signs.") boolean force,
               @Mixin StoreOptions store) {
        return AdminRun.operate(spec, store, opener, clock, (config, admin, out) -> {
            String domain = admin.retireDkim(name, selector, force);
            out.println("dkim key " + selector + " of " + domain + " removed; remove its record "
                    + selector + "._domainkey." + domain + ". from DNS");
        });
    }

    private static String describe(AdminOperations.DkimStatus s) {
        DkimKeyRecord key = s.key();
        return switch (key.state()) {
            case ACTIVE -> "signs (made " + key.created() + ")";
            case PUBLISHED -> "published, signs from " + s.signsFrom();
            case RETIRED -> "retired, in DNS until " + key.retireAfter();
        };
    }
}
