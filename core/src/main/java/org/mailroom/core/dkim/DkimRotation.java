package org.mailroom.core.dkim;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.DkimKeyRecord;
import org.mailroom.core.store.DkimKeyRecord.State;

/**
 * When DKIM keys start and stop signing, and when they leave DNS. RFC 6376 section 3.6.1 leaves rotation to the
 * signer; the two rules that matter are never to sign with a selector that resolvers cannot find yet, and never to
 * withdraw one that mail still in transit (or queued for retries) needs to be verified.
 *
 * <ul>
 *   <li>{@code mailroom domain add} makes the domain's first pair ACTIVE at once: there is nothing better to sign
 *       with, and a signature whose key is not found yet is ignored by verifiers (RFC 6376 section 6.1), so it
 *       costs nothing until the records are pasted.</li>
 *   <li>{@code mailroom dkim rotate} adds a PUBLISHED pair: printed by {@code dns records}, not signing.</li>
 *   <li>A PUBLISHED key becomes ACTIVE once it was created {@code publishDelay} ago (default 1 day: time to paste
 *       the record and for secondaries to load it); the ACTIVE key of the same algorithm it replaces becomes
 *       RETIRED, to leave DNS {@code retireAfter} later (default 7 days: longer than a message stays queued
 *       elsewhere, five days being the usual give-up time).</li>
 *   <li>A RETIRED key past its time is deleted; {@code mailroom dkim retire} deletes one at once.</li>
 * </ul>
 *
 * <p>Nothing runs in the background: whoever reads the keys (the server's signer, every admin command) calls
 * {@link #advance}, which makes the moves that are due. The updates are conditional on the old state, so
 * several nodes (or the CLI and a server) doing it at once do each move once.
 */
public final class DkimRotation {

    /** {@code dkim.publish_delay} and {@code dkim.retire_after}. */
    public record Settings(Duration publishDelay, Duration retireAfter) {
        public static final Settings DEFAULT = new Settings(Duration.ofDays(1), Duration.ofDays(7));
    }

    private final Directory directory;
    private final Settings settings;

    public DkimRotation(Directory directory, Settings settings) {
        this.directory = directory;
        this.settings = settings;
    }

    /** Makes the moves due at {@code now} for one domain and returns its keys as they then are. */
    public List<DkimKeyRecord> advance(String domain, Instant now) throws IOException {
        List<DkimKeyRecord> keys = directory.dkimKeys(domain);
        boolean changed = false;
        for (DkimKeyRecord key : keys) {
            if (key.state() != State.PUBLISHED || now.isBefore(key.created().plus(settings.publishDelay()))) continue;
            // Retire the one it replaces first: for a moment nothing of this algorithm signs rather than two keys.
            for (DkimKeyRecord old : keys) {
                if (old.state() == State.ACTIVE && old.algorithm().equals(key.algorithm())
                        && old.created().isBefore(key.created())) {
                    directory.setDkimKeyState(domain, old.selector(), State.ACTIVE, State.RETIRED,
                            now.plus(settings.retireAfter()));
                }
            }
            directory.setDkimKeyState(domain, key.selector(), State.PUBLISHED, State.ACTIVE, null);
            changed = true;
        }
        if (changed) keys = directory.dkimKeys(domain);
        for (DkimKeyRecord key : keys) {
            if (key.state() == State.RETIRED && key.retireAfter() != null && !now.isBefore(key.retireAfter())) {
                directory.removeDkimKey(domain, key.selector());
                changed = true;
            }
        }
        return changed ? directory.dkimKeys(domain) : keys;
    }

    /**
     * The keys that sign: the newest ACTIVE key of each algorithm (RSA first, then Ed25519). There is normally one
     * of each; two ACTIVE keys of one algorithm happen only between two nodes' moves.
     */
    public static List<DkimKeyRecord> signing(List<DkimKeyRecord> keys) {
        List<DkimKeyRecord> out = new ArrayList<>();
        for (String algorithm : List.of(DkimKeyRecord.RSA_SHA256, DkimKeyRecord.ED25519_SHA256)) {
            DkimKeyRecord newest = null;
            for (DkimKeyRecord key : keys) {
                if (key.state() == State.ACTIVE && key.algorithm().equals(algorithm)
                        && (newest == null || !key.created().isBefore(newest.created()))) {
                    newest = key;
                }
            }
            if (newest != null) out.add(newest);
        }
        return out;
    }

    /** When a PUBLISHED key will start signing. */
    public Instant activatesAt(DkimKeyRecord key) {
        return key.created().plus(settings.publishDelay());
    }

    /**
     * A selector for a new key: {@code mr} + the UTC date + {@code r} (RSA) or {@code e} (Ed25519), with a counter
     * when the domain has one of that name already ({@code mr20261204r2}): readable, sortable, and it says who made
     * it. Example: {@code selector(keys, RSA_SHA256, 2026-12-04T10:00Z)} is {@code mr20261204r}.
     */
    public static String selector(List<DkimKeyRecord> existing, String algorithm, Instant now) {
        String base = "mr" + now.toString().substring(0, 10).replace("-", "")
                + (algorithm.equals(DkimKeyRecord.RSA_SHA256) ? "r" : "e");
        String candidate = base;
        for (int n = 2; taken(existing, candidate); n++) candidate = base + n;
        return candidate;
    }

    private static boolean taken(List<DkimKeyRecord> existing, String selector) {
        for (DkimKeyRecord key : existing) if (key.selector().equals(selector)) return true;
        return false;
    }
}
