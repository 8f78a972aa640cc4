package org.mailroom.protocol.imap;

import java.io.IOException;
import java.util.Optional;
import org.mailroom.core.store.MessageRecord;

/**
 * What FETCH needs to know of a message's MIME structure. The seam for the MIME parser of core (which computes
 * ENVELOPE, BODYSTRUCTURE and part offsets once at delivery); {@link SimpleMessageStructure} parses the blob on
 * each call meanwhile.
 */
public interface MessageStructureSource {

    /** The ENVELOPE, parenthesised, as sent in a FETCH response (RFC 9051 section 7.5.2). */
    String envelope(MessageRecord message) throws IOException;

    /** BODYSTRUCTURE ({@code extensible}) or BODY, parenthesised. */
    String bodyStructure(MessageRecord message, boolean extensible) throws IOException;

    /**
     * The part named by dotted part numbers ({@code ""} the whole message, {@code "1"}, {@code "2.1"}; RFC 9051
     * section 6.4.5), as offsets into the blob; empty if there is no such part. For a part that is itself a
     * message (message/rfc822), {@code messageHeaderStart}.. is the encapsulated message (for N.HEADER, N.TEXT).
     *
     * @param start      where the part's MIME header begins (for N.MIME)
     * @param bodyStart  where its body begins (BODY[N] is {@code bodyStart..end})
     * @param end        where it ends
     * @param messageBodyStart for message/rfc822 parts and the whole message: where the message's body (TEXT)
     *                   begins; its header (HEADER) is {@code bodyStart..messageBodyStart} for a part, or
     *                   {@code 0..messageBodyStart} for the whole message. -1 for other parts.
     */
    record Section(long start, long bodyStart, long end, long messageBodyStart) {}

    Optional<Section> locate(MessageRecord message, String part) throws IOException;
}
