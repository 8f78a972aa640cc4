package org.mailroom.core.store;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Sieve scripts (RFC 5228) of each account, as ManageSieve (RFC 5804) sees them: named scripts, at most one
 * active; plus a domain's global scripts run before and after every account's own, and the memory that vacation
 * and the duplicate test need. Kept by both backends (SQLite and PostgreSQL); the text is stored as uploaded, the
 * compiled form is a cache of the caller's.
 *
 * <p>Owners are account addresses ({@code alice@example.org}); a domain's global scripts use the owner
 * {@code "@" + domain} with the names {@link #BEFORE} and {@link #AFTER}.
 */
public interface SieveScripts {

    /** The name of a domain's script run before each account's own. */
    String BEFORE = "before";
    /** The name of a domain's script run after each account's own (when it kept the message). */
    String AFTER = "after";

    /** One stored script. {@code version} changes on every write of the owner's scripts (for caches). */
    record Script(String owner, String name, String text, boolean active, long version) {}

    /** The owner's scripts, by name, without their text ({@code text} is null). */
    List<Script> list(String owner) throws IOException;

    Optional<Script> get(String owner, String name) throws IOException;

    /** Adds or replaces a script (PUTSCRIPT); the active one stays active. */
    void put(String owner, String name, String text) throws IOException;

    /** @return false if there was none of that name; an active script cannot be deleted (false as well) */
    boolean delete(String owner, String name) throws IOException;

    /** @return false if {@code from} does not exist or {@code to} does */
    boolean rename(String owner, String from, String to) throws IOException;

    /** Makes {@code name} the active script, or none when {@code name} is null. @return false if no such script */
    boolean activate(String owner, String name) throws IOException;

    /** The owner's active script with its text, if any (what delivery runs). */
    Optional<Script> active(String owner) throws IOException;

    /**
     * A number that changes whenever any script of the owner changes, on any node: a cache of compiled scripts
     * asks for it (cheaply) before using what it holds.
     */
    long version(String owner) throws IOException;

    /**
     * Marks {@code key} for {@code owner} at {@code now} and says whether it was already marked within
     * {@code period} before (vacation's "once per :days per sender", the duplicate test). Marks older than their
     * period are pruned by the store.
     */
    boolean seenBefore(String owner, String key, Duration period, Instant now) throws IOException;
}
