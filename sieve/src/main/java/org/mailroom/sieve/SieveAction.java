package org.mailroom.sieve;

import java.util.Set;

/** One action a script decided (RFC 5228 section 4 and the extensions). Carried out by local delivery. */
public sealed interface SieveAction {

    /** Store in the INBOX (keep, or the implicit keep) with these IMAP flags (imap4flags; empty for none). */
    record Keep(Set<String> flags) implements SieveAction {
        public Keep { flags = Set.copyOf(flags); }
    }

    /**
     * Store in {@code mailbox} (fileinto). {@code create}: make the mailbox if missing (RFC 5490 :create); without
     * it, a missing mailbox means the copy goes to the INBOX instead (RFC 5228 section 4.1 leaves the choice to
     * the server; keeping is the choice that loses nothing). {@code mailbox} is the name as given, UTF-8, with "/"
     * or the server's hierarchy separator as the script wrote it.
     */
    record FileInto(String mailbox, Set<String> flags, boolean create) implements SieveAction {
        public FileInto { flags = Set.copyOf(flags); }
    }

    /** Send a copy on to {@code address} through the outbound queue (redirect; :copy is already folded in). */
    record Redirect(String address) implements SieveAction {}

    /**
     * Refuse the message (reject / ereject, RFC 5429): {@code extended} means ereject, which asks to refuse at the
     * protocol level when possible; otherwise the sender gets a notice (an MDN or a DSN) with {@code reason}.
     */
    record Reject(String reason, boolean extended) implements SieveAction {}

    /**
     * Answer the sender while away (RFC 5230, RFC 6131). The interpreter has already applied the rules of RFC 5230
     * section 4.5 and RFC 3834 (no answer to the null sender, list mail, auto-submitted mail, a message not
     * addressed to the user) and the response tracking through {@link SieveEnvironment#seenBefore}: a Vacation
     * action in an outcome is a reply to send now.
     *
     * @param to       the address to answer (the envelope sender, or Reply-To per the script)
     * @param from     the From: address of the reply (the :from argument, or the recipient's address)
     * @param subject  the Subject: of the reply (the :subject argument, or "Auto: " + the original subject)
     * @param body     the reason: plain text, or a MIME entity (header fields, blank line, body) when {@code mime}
     * @param mime     :mime was given
     * @param inReplyTo the Message-ID of the message being answered, or null (for In-Reply-To and References)
     */
    record Vacation(String to, String from, String subject, String body, boolean mime, String inReplyTo)
            implements SieveAction {}

}
