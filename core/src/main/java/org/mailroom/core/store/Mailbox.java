package org.mailroom.core.store;

/**
 * A mailbox (folder) of one account, with the numbers IMAP needs to keep clients in step.
 *
 * @param id             store-wide id, stable across renames
 * @param account        the owning account's canonical address
 * @param name           hierarchical name, {@code /} separated; {@code INBOX} is always spelt so
 * @param uidValidity    changes only when UIDs can no longer be trusted (RFC 9051 section 2.3.1.1)
 * @param uidNext        the UID the next message will get; UIDs are never reused
 * @param highestModSeq  the highest MODSEQ of any change in this mailbox (RFC 7162)
 * @param messages       how many messages it holds now
 * @param size           the sum of their sizes in octets
 */
public record Mailbox(long id, String account, String name, long uidValidity, long uidNext, long highestModSeq,
                      int messages, long size) {

    public static final String INBOX = "INBOX";

    public boolean isInbox() {
        return INBOX.equals(name);
    }
}
