package org.mailroom.core.delivery;

import org.mailroom.core.mail.MailAddress;

/**
 * What became of one recipient.
 *
 * @param where for the log: the mailbox ({@code alice@example.test/INBOX}) or queue id it went to,
 *              or the reason it did not
 */
public record RecipientResult(MailAddress recipient, Status status, String where) {

    public enum Status {
        /** Stored or queued durably. */
        ACCEPTED,
        /** Not now (disk full, store unreachable); the sender should try again. */
        TEMPORARY_FAILURE,
        /** Never (no such user, loop). */
        PERMANENT_FAILURE
    }

    /** How {@link #where} starts for {@link #mailboxFull}. */
    private static final String MAILBOX_FULL = "mailbox full";

    public boolean accepted() {
        return status == Status.ACCEPTED;
    }

    /**
     * The recipient's account is over its storage quota. Temporary: RFC 3463 section 3.3 (X.2.2) calls a full
     * mailbox a persistent transient failure, since the user can make room; SMTP answers it with 452 4.2.2.
     */
    public static RecipientResult mailboxFull(MailAddress recipient, String detail) {
        return new RecipientResult(recipient, Status.TEMPORARY_FAILURE, MAILBOX_FULL + ": " + detail);
    }

    /** Whether this is a {@link #mailboxFull} result. */
    public boolean isMailboxFull() {
        return status == Status.TEMPORARY_FAILURE && where.startsWith(MAILBOX_FULL + ": ");
    }
}
