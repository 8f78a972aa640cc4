package org.mailroom.sieve.run;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.mailroom.sieve.SieveAction;
import org.mailroom.sieve.SieveOutcome;

/**
 * The actions of one run, as they are decided: the implicit keep (RFC 5228 section 2.10.2: cancelled by
 * fileinto, redirect, discard and reject, not by their :copy forms), duplicates folded (a second fileinto to
 * the same mailbox or a second redirect to the same address does nothing more, section 2.10.3; their flags are
 * merged), fileinto "INBOX" taken as keep, the conflicts of RFC 5429 (reject with keep, fileinto or vacation)
 * and RFC 5230 (one vacation per run) as run-time errors, and the limits on actions and redirects.
 */
final class Actions {

    private final List<SieveAction> list = new ArrayList<>();
    private final List<SieveOutcome.HeaderEdit> edits = new ArrayList<>();
    private final int maxActions;
    private final int maxRedirects;
    private boolean implicitKeep = true;
    private int redirects;
    private boolean rejected;
    private boolean vacation;
    private boolean explicitKeep;

    Actions(int maxActions, int maxRedirects) {
        this.maxActions = maxActions;
        this.maxRedirects = maxRedirects;
    }

    void keep(Set<String> flags, int line) {
        if (rejected) throw new SieveRuntimeException(line, "keep cannot be combined with reject (RFC 5429)");
        explicitKeep = true;
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof SieveAction.Keep k) {
                list.set(i, new SieveAction.Keep(union(k.flags(), flags)));
                return;
            }
        }
        add(new SieveAction.Keep(flags), line);
    }

    void fileInto(String mailbox, Set<String> flags, boolean create, boolean copy, int line) {
        if (rejected) throw new SieveRuntimeException(line, "fileinto cannot be combined with reject (RFC 5429)");
        if (!copy) implicitKeep = false;
        if (mailbox.equalsIgnoreCase("INBOX")) {
            keep(flags, line);
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof SieveAction.FileInto f && f.mailbox().equals(mailbox)) {
                list.set(i, new SieveAction.FileInto(mailbox, union(f.flags(), flags), f.create() || create));
                return;
            }
        }
        add(new SieveAction.FileInto(mailbox, flags, create), line);
    }

    void redirect(String address, boolean copy, int line) {
        if (!copy) implicitKeep = false;
        for (SieveAction a : list) {
            if (a instanceof SieveAction.Redirect r && r.address().equalsIgnoreCase(address)) return;
        }
        if (++redirects > maxRedirects) {
            throw new SieveRuntimeException(line, "more than " + maxRedirects + " redirects in one run");
        }
        add(new SieveAction.Redirect(address), line);
    }

    void discard() {
        implicitKeep = false;
    }

    void reject(String reason, boolean extended, int line) {
        if (rejected) throw new SieveRuntimeException(line, "the message is already rejected");
        if (vacation || explicitKeep || list.stream().anyMatch(a -> a instanceof SieveAction.FileInto)) {
            throw new SieveRuntimeException(line, "reject cannot be combined with keep, fileinto or vacation (RFC 5429)");
        }
        rejected = true;
        implicitKeep = false;
        add(new SieveAction.Reject(reason, extended), line);
    }

    /** Called for every vacation command, whether or not it answers: RFC 5230 allows one per run. */
    void vacationCommand(int line) {
        if (vacation) throw new SieveRuntimeException(line, "only one vacation per run (RFC 5230 section 4.7)");
        if (rejected) throw new SieveRuntimeException(line, "vacation cannot be combined with reject (RFC 5429)");
        vacation = true;
    }

    void vacation(SieveAction.Vacation reply, int line) {
        add(reply, line);
    }

    void edit(SieveOutcome.HeaderEdit edit) {
        edits.add(edit);
    }

    private void add(SieveAction a, int line) {
        if (list.size() >= maxActions) throw new SieveRuntimeException(line, "more than " + maxActions + " actions in one run");
        list.add(a);
    }

    SieveOutcome outcome(Set<String> implicitFlags) {
        List<SieveAction> out = new ArrayList<>(list);
        if (implicitKeep && !explicitKeep) out.add(new SieveAction.Keep(implicitFlags));
        return new SieveOutcome(out, edits, null);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new LinkedHashSet<>(a);
        for (String f : b) {
            if (out.stream().noneMatch(x -> x.equalsIgnoreCase(f))) out.add(f);
        }
        return out;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
