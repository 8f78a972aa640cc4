package org.mailroom.protocol.managesieve;

import java.io.IOException;
import java.util.List;
import org.mailroom.core.store.SieveScripts.Script;
import org.mailroom.sieve.SieveSyntaxException;

/**
 * What a script must be to be stored, and the refusals the script verbs share: a good name (RFC 5804 section
 * 1.6), room under the account's limits ({@code sieve.max_script_size}, {@code sieve.max_scripts}), and a text
 * that compiles.
 */
final class ScriptRules {

    /** RFC 5804 section 1.6 leaves the length to us; Dovecot's limit is about the same. */
    static final int MAX_NAME_LENGTH = 128;
    static final String NONEXISTENT = "NO (NONEXISTENT) \"There is no script of that name\"";

    private ScriptRules() {}

    /**
     * RFC 5804 section 1.6: a name is at least one character, no control characters (C0, DEL, C1), no line or
     * paragraph separator. Null when good, else the reason.
     */
    static String badName(String name) {
        if (name.isEmpty()) return "A script name cannot be empty";
        if (name.codePointCount(0, name.length()) > MAX_NAME_LENGTH) {
            return "A script name has at most " + MAX_NAME_LENGTH + " characters";
        }
        boolean bad = name.codePoints().anyMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029);
        return bad ? "A script name cannot hold control characters" : null;
    }

    /** Whether a new name is good; if not, the session has its NO with the reason. */
    static boolean goodName(ManageSieveSession s, String name) {
        String bad = badName(name);
        if (bad != null) s.reply("NO " + ManageSieveSession.quote(bad));
        return bad == null;
    }

    /** The refusal of a script over the size limit. */
    static String tooBig(ManageSieveSettings settings) {
        return "NO (QUOTA/MAXSIZE) \"Script over " + settings.maxScriptSize() + " octets\"";
    }

    /** Whether a script of this many octets is within the size limit; if not, the session has its NO. */
    static boolean smallEnough(ManageSieveSession s, long size) {
        if (size <= s.settings.maxScriptSize()) return true;
        s.reply(tooBig(s.settings));
        return false;
    }

    /** Whether a script of this name and size may be stored; if not, the session has its NO with the reason. */
    static boolean room(ManageSieveSession s, String name, long size) throws IOException {
        if (!goodName(s, name) || !smallEnough(s, size)) return false;
        List<Script> existing = s.scripts.list(s.account);
        boolean replaces = existing.stream().anyMatch(x -> x.name().equals(name));
        if (!replaces && existing.size() >= s.settings.maxScripts()) {
            s.reply("NO (QUOTA/MAXSCRIPTS) \"At most " + s.settings.maxScripts() + " scripts\"");
            return false;
        }
        return true;
    }

    /** Replies NO with the compiler's "line N: ..." when the script does not compile. */
    static boolean compiles(ManageSieveSession s, String name, String text) {
        try {
            s.compiler.check(name, text);
            return true;
        } catch (SieveSyntaxException e) {
            s.reply("NO " + ManageSieveSession.quote(e.getMessage()));
            return false;
        } catch (RuntimeException e) {
            // A compiler bug must not look like the user's mistake, nor end the session.
            ManageSieveSession.LOG.warn("Sieve compiler failed on a script of {}", s.account, e);
            s.reply("NO (TRYLATER) \"The script could not be checked, try again later\"");
            return false;
        }
    }
}
