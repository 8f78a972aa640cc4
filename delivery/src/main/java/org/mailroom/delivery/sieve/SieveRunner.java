package org.mailroom.delivery.sieve;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.SieveScripts;
import org.mailroom.sieve.SieveAction;
import org.mailroom.sieve.SieveCompiler;
import org.mailroom.sieve.SieveOutcome;
import org.mailroom.sieve.SieveScript;
import org.mailroom.sieve.SieveSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the scripts that apply to one account's copy of a message, in this order: the domain's global
 * {@link SieveScripts#BEFORE} script (owner {@code "@" + domain}), the account's active script, then the domain's
 * {@link SieveScripts#AFTER} script, and merges what they decided into one {@link Decision}.
 *
 * <p>How the three combine (our rule, close to Pigeonhole's sieve_before/sieve_after): every action other than
 * keep adds up; a script's keep (explicit or implicit) means "still kept" and hands the message to the next
 * script, which may file, discard or keep it in its turn; when a script leaves the message not kept (it filed,
 * redirected or discarded it), the scripts after it do not run. The last keep's flags are the INBOX copy's.
 *
 * <p>Errors never lose mail: a script that fails at run time (its outcome names the error) or throws is taken as
 * the implicit keep alone, with nothing else it decided carried out (no half-done run: no vacation reply from a
 * script that then failed), and the error is reported in {@link Decision#errors()} for the log and the user.
 *
 * <p>Compiled scripts are cached per owner, checked against {@link SieveScripts#version} at every delivery (one
 * cheap read), so an upload on another node is run from the next message on, and each version is compiled once.
 */
public final class SieveRunner {

    /** Compiles script text; the real one is {@link SieveCompiler}, tests give their own. */
    public interface Compiler {
        SieveScript compile(String name, String text) throws SieveSyntaxException;
    }

    /**
     * What the scripts decided for one account's copy.
     *
     * @param actions  in order, with at most one {@link SieveAction.Keep} (the INBOX copy); empty: discarded
     * @param edits    editheader changes for the kept, filed and redirected copies
     * @param errors   one line per script that failed (empty when none did)
     */
    public record Decision(List<SieveAction> actions, List<SieveOutcome.HeaderEdit> edits, List<String> errors) {}

    /**
     * The bounds of the period between two vacation replies to one sender (RFC 5230 section 4.1 lets the site
     * choose them); every other remembered key (the duplicate test) is bounded by {@code max} only.
     */
    public record VacationPeriods(Duration min, Duration max) {
        public static final VacationPeriods DEFAULT = new VacationPeriods(Duration.ofDays(1), Duration.ofDays(365));
    }

    private static final Logger log = LoggerFactory.getLogger(SieveRunner.class);
    /** Owners whose compiled scripts we hold at most; past it the cache starts over (a cheap, rare recompile). */
    private static final int CACHE_MAX = 50_000;

    /** One owner's scripts as compiled at {@code version}: by name, a script or the reason it did not compile. */
    private record Compiled(long version, Map<String, Loaded> byName) {}

    private record Loaded(SieveScript script, String error) {}

    private static final Loaded NONE = new Loaded(null, null);

    private final SieveScripts scripts;
    private final Directory directory;
    private final MailStore store;
    private final BlobStore blobs;
    private final Compiler compiler;
    private final Clock clock;
    private final VacationPeriods periods;
    private final Map<String, Compiled> cache = new ConcurrentHashMap<>();

    public SieveRunner(SieveScripts scripts, Directory directory, MailStore store, BlobStore blobs, Compiler compiler,
                       Clock clock, VacationPeriods periods) {
        this.periods = periods;
        this.scripts = scripts;
        this.directory = directory;
        this.store = store;
        this.blobs = blobs;
        this.compiler = compiler;
        this.clock = clock;
    }

    public SieveScripts scripts() {
        return scripts;
    }

    /**
     * Runs the account's scripts on a stored message.
     *
     * @param envelopeFrom the reverse path without brackets, "" for the null sender
     * @param envelopeTo   the recipient as given at RCPT TO
     * @return empty when neither the account nor its domain has a script: deliver as if Sieve were off
     * @throws IOException when the scripts cannot be read (the caller fails the delivery temporarily)
     */
    public Optional<Decision> run(String account, String envelopeFrom, String envelopeTo, String blobId, long size)
            throws IOException {
        String domainOwner = "@" + account.substring(account.lastIndexOf('@') + 1);
        long domainVersion = scripts.version(domainOwner); // one read per owner and message
        Loaded before = load(domainOwner, domainVersion, SieveScripts.BEFORE);
        Loaded personal = load(account, scripts.version(account), null);
        Loaded after = load(domainOwner, domainVersion, SieveScripts.AFTER);
        if (before == NONE && personal == NONE && after == NONE) return Optional.empty();

        BlobMessage message = new BlobMessage(blobs, blobId, size, envelopeFrom, envelopeTo);
        DeliveryEnvironment environment = new DeliveryEnvironment(account, directory, store, scripts, clock, periods);
        List<SieveAction> actions = new ArrayList<>();
        List<SieveOutcome.HeaderEdit> edits = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        SieveAction.Keep keep = new SieveAction.Keep(Set.of()); // before any script: the message is kept
        for (Loaded stage : List.of(before, personal, after)) {
            if (stage == NONE) continue;
            if (keep == null) break; // an earlier script filed, redirected or discarded it: done
            SieveOutcome outcome = runOne(stage, message, environment, account);
            if (outcome.error() != null) {
                errors.add(outcome.error());
                continue; // the implicit keep: the message stays kept, with the flags it had
            }
            keep = null;
            for (SieveAction action : outcome.actions()) {
                if (action instanceof SieveAction.Keep) {
                    keep = (SieveAction.Keep) action;
                } else {
                    actions.add(action);
                }
            }
            edits.addAll(outcome.headerEdits());
        }
        if (keep != null) actions.add(keep);
        return Optional.of(new Decision(actions, edits, errors));
    }

    private SieveOutcome runOne(Loaded stage, BlobMessage message, DeliveryEnvironment environment, String account) {
        if (stage.error() != null) return SieveOutcome.failed(stage.error());
        try {
            SieveOutcome outcome = stage.script().run(message, environment);
            if (outcome.error() != null) {
                return SieveOutcome.failed("script \"" + stage.script().name() + "\": " + outcome.error());
            }
            return outcome;
        } catch (RuntimeException | StackOverflowError e) {
            // The interpreter promises not to throw; a store error in the environment or a bug still must not
            // lose the message.
            log.warn("account={} script \"{}\" threw: {}", account, stage.script().name(), e.toString());
            return SieveOutcome.failed("script \"" + stage.script().name() + "\": " + e);
        }
    }

    /**
     * The owner's script of that name (null: the active one), compiled, from the cache when its version is
     * current. {@link #NONE} when there is none.
     */
    private Loaded load(String owner, long version, String name) throws IOException {
        Compiled compiled = cache.get(owner);
        if (compiled == null || compiled.version() != version) {
            if (cache.size() >= CACHE_MAX) cache.clear();
            compiled = new Compiled(version, new ConcurrentHashMap<>());
            cache.put(owner, compiled);
        }
        String key = name == null ? "" : name;
        Loaded loaded = compiled.byName().get(key);
        if (loaded == null) {
            Optional<SieveScripts.Script> stored = name == null ? scripts.active(owner) : scripts.get(owner, name);
            loaded = stored.map(this::compile).orElse(NONE);
            compiled.byName().put(key, loaded);
        }
        return loaded;
    }

    private Loaded compile(SieveScripts.Script stored) {
        try {
            return new Loaded(compiler.compile(stored.name(), stored.text()), null);
        } catch (SieveSyntaxException | RuntimeException e) {
            // Uploads are compiled before they are stored; a script stored otherwise, or by an older interpreter
            // that took more, can still fail here.
            log.warn("owner={} script \"{}\" does not compile: {}", stored.owner(), stored.name(), e.getMessage());
            return new Loaded(null, "script \"" + stored.name() + "\" does not compile: " + e.getMessage());
        }
    }
}
