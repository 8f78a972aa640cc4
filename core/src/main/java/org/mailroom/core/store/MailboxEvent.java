package org.mailroom.core.store;

import java.util.List;

/**
 * A change to a mailbox, published after it is durable, so that other sessions on the same mailbox
 * (IMAP IDLE, NOOP) learn of it.
 *
 * @param uids the messages concerned (appended, changed or expunged), ascending
 * @param modSeq the mailbox's highest MODSEQ after the change
 */
public record MailboxEvent(String account, long mailboxId, Kind kind, List<Long> uids, long modSeq) {

    public enum Kind { APPENDED, FLAGS_CHANGED, EXPUNGED, MAILBOX_CHANGED }

    public MailboxEvent {
        uids = List.copyOf(uids);
    }
}
