package org.mailroom.core.store;

import java.time.Instant;
import java.util.Set;

/**
 * One message in one mailbox. The bytes are the blob; several records (one per recipient, or copies)
 * may name the same blob.
 *
 * @param flags system flags ({@code \Seen}, {@code \Answered}, {@code \Flagged}, {@code \Deleted},
 *              {@code \Draft}) and keywords, as IMAP spells them
 * @param modSeq the MODSEQ of the last change to this message (RFC 7162)
 */
public record MessageRecord(long mailboxId, long uid, String blobId, long size, Instant internalDate,
                            Set<String> flags, long modSeq) {

    public MessageRecord {
        flags = Set.copyOf(flags);
    }
}
