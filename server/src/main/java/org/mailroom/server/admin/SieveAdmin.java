package org.mailroom.server.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.SieveScripts;
import org.mailroom.core.store.SieveScripts.Script;
import org.mailroom.server.admin.AdminException.Kind;
import org.mailroom.sieve.SieveCompiler;
import org.mailroom.sieve.SieveSyntaxException;

/**
 * The Sieve actions of {@code mailroom sieve} (and of the admin API): an account's scripts, or a domain's global
 * scripts (owner {@code "@domain"}, names {@link SieveScripts#BEFORE} and {@link SieveScripts#AFTER}). A script
 * is compiled before it is stored, as ManageSieve does, so delivery never meets one that does not compile.
 */
public final class SieveAdmin {

    private static final SieveCompiler COMPILER = new SieveCompiler();

    private final Directory directory;
    private final SieveScripts scripts;
    private final long maxScriptSize;
    private final int maxScripts;

    public SieveAdmin(Directory directory, SieveScripts scripts, long maxScriptSize, int maxScripts) {
        this.directory = directory;
        this.scripts = scripts;
        this.maxScriptSize = maxScriptSize;
        this.maxScripts = maxScripts;
    }

    /** The owner of an account's scripts: the account, which must exist. */
    public String account(String text) throws IOException, AdminException {
        return new DirectoryAdmin(directory).checkAccount(text);
    }

    /** The owner of a domain's global scripts: "@" and the domain, which must be local. */
    public String domain(String text) throws IOException, AdminException {
        String domain = AdminRun.domain(text);
        new DirectoryAdmin(directory).requireLocalDomain(domain);
        return "@" + domain;
    }

    /** Compiles, checks the limits, stores. A domain's scripts count against no limit of number. */
    public void put(String owner, String name, String text) throws IOException, AdminException {
        if (name.isEmpty() || name.codePoints().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new AdminException("'" + name + "' is not a script name (empty, or control characters)");
        }
        if (text.getBytes(StandardCharsets.UTF_8).length > maxScriptSize) {
            throw new AdminException("the script is over sieve.max_script_size (" + maxScriptSize + " bytes)");
        }
        List<Script> existing = scripts.list(owner);
        if (!owner.startsWith("@") && existing.size() >= maxScripts
                && existing.stream().noneMatch(s -> s.name().equals(name))) {
            throw new AdminException(Kind.CONFLICT, owner + " has " + existing.size()
                    + " scripts already (sieve.max_scripts): delete one first");
        }
        try {
            COMPILER.compile(name, text);
        } catch (SieveSyntaxException e) {
            throw new AdminException("script '" + name + "' does not compile: " + e.getMessage());
        }
        scripts.put(owner, name, text);
    }

    public Script get(String owner, String name) throws IOException, AdminException {
        return scripts.get(owner, name).orElseThrow(() -> noSuch(owner, name));
    }

    public List<Script> list(String owner) throws IOException {
        return scripts.list(owner);
    }

    public void activate(String owner, String name) throws IOException, AdminException {
        if (!scripts.activate(owner, name)) throw noSuch(owner, name);
    }

    public void deactivate(String owner) throws IOException {
        scripts.activate(owner, null);
    }

    public void delete(String owner, String name) throws IOException, AdminException {
        if (scripts.delete(owner, name)) return;
        if (scripts.get(owner, name).isPresent()) {
            throw new AdminException(Kind.CONFLICT, "script '" + name + "' is active: deactivate it first");
        }
        throw noSuch(owner, name);
    }

    private static AdminException noSuch(String owner, String name) {
        return new AdminException(Kind.NOT_FOUND, owner + " has no script '" + name + "'");
    }
}
