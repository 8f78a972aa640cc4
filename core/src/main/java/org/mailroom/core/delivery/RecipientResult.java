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

    public boolean accepted() {
        return status == Status.ACCEPTED;
    }
}
