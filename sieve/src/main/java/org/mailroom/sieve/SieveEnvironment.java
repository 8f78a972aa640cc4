package org.mailroom.sieve;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.Set;

/** What a script needs from the server while it runs, for one recipient's delivery. */
public interface SieveEnvironment {

    /** The account the script belongs to (its owner), e.g. {@code alice@example.org}. */
    String account();

    /**
     * The addresses that reach this account (its own and its aliases'): vacation answers only a message addressed
     * to one of them in To, Cc, Bcc or Resent-* (RFC 5230 section 4.5) and never to them.
     */
    Set<String> addresses();

    /** Whether the account has this mailbox (the mailboxexists test of RFC 5490; fileinto without :create). */
    boolean mailboxExists(String mailbox);

    /**
     * The duplicate test (RFC 7352) and vacation's response tracking: true if {@code key} was marked for this account
     * within {@code period} before now; in both cases it is marked now, so the next call within the period says true.
     * The key is opaque to the server (the script builds it from the message and the handle).
     */
    boolean seenBefore(String key, Duration period);

    /** The text of an included script (RFC 6609): a personal one of this account, or a global one; empty if none. */
    Optional<String> includedScript(boolean global, String name);

    /** Now, in the server's time zone (the currentdate test, the date test's default zone). */
    ZonedDateTime now();

    /** At most this many redirects per run (issue 15: forwarding must not multiply mail); more is a run-time error. */
    default int maxRedirects() {
        return 4;
    }

    /** At most this many actions per run (keep, fileinto, redirect, reject, vacation); more is a run-time error. */
    default int maxActions() {
        return 32;
    }
}
