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
import org.mailroom.server.admin.AdminOperations.DkimStatus;

/**
 * The rules of listing, rotating and retiring a domain's DKIM keys ({@link DkimRotation} has the state machine),
 * shared by {@code mailroom dkim} and the admin API through {@link DirectoryAdmin}.
 */
final class DkimAdmin {

    private final Directory directory;
    private final DkimRotation rotation;
    private final Clock clock;

    DkimAdmin(Directory directory, DkimRotation.Settings settings, Clock clock) {
        this.directory = directory;
        this.rotation = new DkimRotation(directory, settings);
        this.clock = clock;
    }

    List<DkimStatus> list(String name) throws IOException, AdminException {
        List<String> domains = new ArrayList<>();
        if (name != null) {
            String domain = AdminRun.domain(name);
            AdminRun.requireLocalDomain(directory, domain);
            domains.add(domain);
        } else {
            domains.addAll(directory.domains());
            domains.sort(null);
        }
        List<DkimStatus> out = new ArrayList<>();
        for (String domain : domains) {
            for (DkimKeyRecord key : rotation.advance(domain, clock.instant())) out.add(status(key));
        }
        return out;
    }

    List<DkimStatus> rotate(String name) throws IOException, AdminException {
        String domain = AdminRun.domain(name);
        AdminRun.requireLocalDomain(directory, domain);
        for (DkimKeyRecord key : rotation.advance(domain, clock.instant())) {
            if (key.state() == State.PUBLISHED) {
                throw new AdminException(AdminException.Kind.CONFLICT, "a rotation of " + domain + " is under way: "
                        + key.selector() + " signs from " + rotation.activatesAt(key) + " (mailroom dkim list " + domain + ")");
            }
        }
        boolean first = DkimRotation.signing(directory.dkimKeys(domain)).isEmpty();
        List<DkimStatus> made = new ArrayList<>();
        for (DkimKeyRecord key : addPair(directory, domain, first ? State.ACTIVE : State.PUBLISHED, clock.instant())) {
            made.add(status(key));
        }
        return made;
    }

    String retire(String name, String selector, boolean force) throws IOException, AdminException {
        String domain = AdminRun.domain(name);
        AdminRun.requireLocalDomain(directory, domain);
        DkimKeyRecord key = null;
        for (DkimKeyRecord k : directory.dkimKeys(domain)) if (k.selector().equals(selector)) key = k;
        if (key == null) throw new AdminException(AdminException.Kind.NOT_FOUND, "domain " + domain + " has no DKIM key " + selector);
        if (key.state() == State.ACTIVE && !force) {
            throw new AdminException(AdminException.Kind.CONFLICT, selector + " signs " + domain
                    + "'s mail: rotate first ('mailroom dkim rotate " + domain + "'), or give --force if the key leaked");
        }
        directory.removeDkimKey(domain, selector);
        return domain;
    }

    private DkimStatus status(DkimKeyRecord key) {
        return new DkimStatus(key, key.state() == State.PUBLISHED ? rotation.activatesAt(key) : null);
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
}
