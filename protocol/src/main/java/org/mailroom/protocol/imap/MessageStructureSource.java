package org.mailroom.protocol.imap;

import java.io.IOException;
import org.mailroom.core.mime.MessageStructure;
import org.mailroom.core.mime.Section;
import org.mailroom.core.store.MessageRecord;

/**
 * What FETCH and SEARCH need to know of a message's MIME structure, and the bytes of its sections. The
 * structure is computed once at delivery and kept by the store ({@link StoredMessageStructure}), so that
 * ENVELOPE, BODYSTRUCTURE and header SEARCH keys read no message file, and {@code BODY[2]} reads only the
 * part's bytes.
 */
public interface MessageStructureSource {

    /** The message's structure: ENVELOPE, BODYSTRUCTURE, BODY, decoded headers and part offsets. */
    MessageStructure structure(MessageRecord message) throws IOException;

    /**
     * A hint that {@link #structure} is about to be asked for each of these messages: FETCH and SEARCH over many
     * messages call it per batch of {@link #BATCH}, so that the store is asked once per batch, not per message.
     */
    default void prefetch(java.util.List<MessageRecord> messages) throws IOException {
    }

    /** How many messages FETCH and SEARCH announce to {@link #prefetch} at a time. */
    int BATCH = 256;

    /**
     * The bytes of {@code BODY[section]} (RFC 9051 section 6.4.5), cut to {@code <partialStart.partialLength>}
     * when {@code partialStart >= 0}; empty when the section names no part of this message.
     */
    byte[] section(MessageRecord message, Section section, long partialStart, long partialLength) throws IOException;

    /**
     * Where the bytes of {@code BODY[section]<partial>} lie in the message's blob, when they are one plain range
     * of it (every section but HEADER.FIELDS and HEADER.FIELDS.NOT); empty otherwise. FETCH streams a large range
     * from the blob instead of holding it in memory.
     */
    java.util.Optional<BlobRange> range(MessageRecord message, Section section, long partialStart, long partialLength)
            throws IOException;

    /** {@code length} octets from {@code offset} of a blob. */
    record BlobRange(long offset, long length) {}

    /**
     * The body of a part with its Content-Transfer-Encoding undone (FETCH BINARY, RFC 3516); the whole message
     * as it is for no part; empty for a part that does not exist.
     *
     * @throws UnknownEncodingException for an encoding that cannot be undone (answered with [UNKNOWN-CTE])
     */
    byte[] binary(MessageRecord message, java.util.List<Integer> part) throws IOException, UnknownEncodingException;

    /** A Content-Transfer-Encoding that BINARY cannot undo (RFC 3516 section 4.3). */
    final class UnknownEncodingException extends Exception {
        public UnknownEncodingException(String encoding) {
            super(encoding);
        }
    }
}
