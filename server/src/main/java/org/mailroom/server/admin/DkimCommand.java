package org.mailroom.server.admin;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.mailroom.core.dkim.DkimRotation;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.DkimKeyRecord;
import org.mailroom.core.store.DkimKeyRecord.State;
import org.mailroom.delivery.signing.KeyMaterial;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mailroom dkim list|rotate|retire}: a domain's DKIM keys and their rotation ({@link DkimRotation} has the
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
        return AdminRun.run(spec, store, opener, (config, directory, out) -> {
            List<String> domains = new ArrayList<>();
            if (name != null) {
                String domain = AdminRun.domain(name);
                AdminRun.requireLocalDomain(directory, domain);
                domains.add(domain);
            } else {
                domains.addAll(directory.domains());
            }
            DkimRotation rotation = new DkimRotation(directory, config.dkim().rotation());
            for (String domain : domains) {
                for (DkimKeyRecord key : rotation.advance(domain, clock.instant())) {
                    out.println(domain + " " + key.selector() + " " + key.algorithm() + " " + key.state().text() + " "
                            + describe(rotation, key));
                }
            }
        });
    }

    @Command(name = "rotate", description = "Make DOMAIN's next pair of keys: published now (mailroom dns records),"
            + " signing after dkim.publish_delay; the old pair then stays in DNS for dkim.retire_after.",
            mixinStandardHelpOptions = true)
    int rotate(@Parameters(paramLabel = "DOMAIN") String name, @Mixin StoreOptions store) {
        return AdminRun.run(spec, store, opener, (config, directory, out) -> {
            String domain = AdminRun.domain(name);
            AdminRun.requireLocalDomain(directory, domain);
            DkimRotation rotation = new DkimRotation(directory, config.dkim().rotation());
            for (DkimKeyRecord key : rotation.advance(domain, clock.instant())) {
                if (key.state() == State.PUBLISHED) {
                    throw new AdminException("a rotation of " + domain + " is under way: " + key.selector()
                            + " signs from " + rotation.activatesAt(key) + " (mailroom dkim list " + domain + ")");
                }
            }
            boolean first = DkimRotation.signing(directory.dkimKeys(domain)).isEmpty();
            List<DkimKeyRecord> made = addPair(directory, domain, first ? State.ACTIVE : State.PUBLISHED, clock.instant());
            for (DkimKeyRecord key : made) {
                out.println("dkim key " + key.selector() + "._domainkey." + domain + " (" + key.algorithm() + ") "
                        + describe(rotation, key));
            }
            if (!first) {
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
        return AdminRun.run(spec, store, opener, (config, directory, out) -> {
            String domain = AdminRun.domain(name);
            AdminRun.requireLocalDomain(directory, domain);
            DkimKeyRecord key = null;
            for (DkimKeyRecord k : directory.dkimKeys(domain)) if (k.selector().equals(selector)) key = k;
            if (key == null) throw new AdminException("domain " + domain + " has no DKIM key " + selector);
            if (key.state() == State.ACTIVE && !force) {
                throw new AdminException(selector + " signs " + domain + "'s mail: rotate first ('mailroom dkim rotate "
                        + domain + "'), or give --force if the key leaked");
            }
            directory.removeDkimKey(domain, selector);
            out.println("dkim key " + selector + " of " + domain + " removed; remove its record "
                    + selector + "._domainkey." + domain + ". from DNS");
        });
    }

    /** Makes and stores a pair (RSA-2048 and Ed25519) in {@code state}; the RSA key first. */
    static List<DkimKeyRecord> addPair(Directory directory, String domain, State state, Instant now) throws IOException {
        List<DkimKeyRecord> made = new ArrayList<>();
        List<DkimKeyRecord> existing = new ArrayList<>(directory.dkimKeys(domain));
        for (String algorithm : List.of(DkimKeyRecord.RSA_SHA256, DkimKeyRecord.ED25519_SHA256)) {
            DkimKeyRecord key = new DkimKeyRecord(domain, DkimRotation.selector(existing, algorithm, now), algorithm,
                    KeyMaterial.generate(algorithm), now, state, null);
            directory.addDkimKey(key);
            existing.add(key);
            made.add(key);
        }
        return made;
    }

    private static String describe(DkimRotation rotation, DkimKeyRecord key) {
        return switch (key.state()) {
            case ACTIVE -> "signs (made " + key.created() + ")";
            case PUBLISHED -> "published, signs from " + rotation.activatesAt(key);
            case RETIRED -> "retired, in DNS until " + key.retireAfter();
        };
    }
}
