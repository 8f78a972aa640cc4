package org.mailroom.core.mime;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * What IMAP needs to know about a message without reading it again: ENVELOPE, BODYSTRUCTURE, BODY, the
 * decoded header fields for SEARCH/SORT/THREAD, and where each part's header and body lie in the blob.
 * Parsed once at delivery ({@link #parse}), kept as a BLOB ({@link #toBytes}, {@link #fromBytes}).
 * Immutable and thread-safe.
 *
 * <p>Example, at delivery: {@code byte[] stored = MessageStructure.parse(in).toBytes();} and in FETCH:
 * {@code MessageStructure.fromBytes(stored).bodyStructure()}; for {@code BODY[1.2.MIME]},
 * {@code locate("1.2.MIME")} gives the range of the blob to read.
 *
 * <p>Strings are ready to write into a FETCH response as UTF-8: quoted strings where possible, literals
 * ({@code {n}\r\n...}, n counted in UTF-8 octets) for values with 8-bit or control characters.
 */
public final class MessageStructure {

    private final MimePart root;
    private final long size;
    private final MessageHeaders headers;
    private final String bodyStructure;
    private final String body;

    MessageStructure(MimePart root, long size, MessageHeaders headers) {
        this.root = root;
        this.size = size;
        this.headers = headers;
        this.bodyStructure = BodyStructureWriter.render(root, true);
        this.body = BodyStructureWriter.render(root, false);
    }

    /**
     * Reads the message once, streaming: memory use depends on the header sizes, not on the bodies. Never
     * fails on malformed content; defaults of RFC 2045 apply where fields are missing or unreadable.
     *
     * @throws IOException only when reading the stream fails
     */
    public static MessageStructure parse(InputStream message) throws IOException {
        MimeParser parser = new MimeParser(message);
        MimePart root;
        try {
            root = parser.parse();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return new MessageStructure(root, root.bodyOffset() + root.bodyLength(),
                MessageHeaders.of(parser.rootHeader()));
    }

    public static MessageStructure parse(byte[] message) {
        try {
            return parse(new ByteArrayInputStream(message));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not from a byte array
        }
    }

    /** The stored form, starting with a format version byte. */
    public byte[] toBytes() {
        return StructureCodec.write(this);
    }

    /**
     * Reads the stored form.
     *
     * @throws IllegalArgumentException when the bytes are corrupt or of an unknown version: parse the blob again
     */
    public static MessageStructure fromBytes(byte[] stored) {
        return StructureCodec.read(stored);
    }

    /** The message's size in octets (RFC822.SIZE when stored with CRLF line ends). */
    public long size() {
        return size;
    }

    /** The ENVELOPE value, {@code (date subject from ... message-id)}. */
    public String envelope() {
        return root.envelope();
    }

    /** The BODYSTRUCTURE value, with extension data. */
    public String bodyStructure() {
        return bodyStructure;
    }

    /** The BODY value (BODYSTRUCTURE without extension data). */
    public String body() {
        return body;
    }

    public MessageHeaders headers() {
        return headers;
    }

    /** The message as an entity: header, body, parts. */
    public MimePart root() {
        return root;
    }

    /**
     * Where a section's bytes are. Empty when the section names no part of this message (a part number
     * beyond the last part, or HEADER/TEXT of a part that is no message/rfc822); Dovecot answers those
     * with an empty string, which clients handle better than NIL.
     *
     * @throws IllegalArgumentException when the text is no valid section-spec
     */
    public Optional<PartLocation> locate(String section) {
        return locate(Section.parse(section));
    }

    /**
     * Where a section's bytes are (RFC 9051 section 6.4.5). A message that is not multipart has one part,
     * 1, its body; a part number after a message/rfc822 part counts in the encapsulated message. Like
     * Dovecot, any single part answers {@code .1} with itself, as a single-part message does.
     */
    public Optional<PartLocation> locate(Section section) {
        MimePart current = null;
        for (int n : section.part()) {
            MimePart container;
            if (current == null) {
                container = root;
            } else if (current.kind() == MimePart.Kind.MESSAGE) {
                container = current.message();
            } else {
                container = current; // a multipart, or a single part whose part 1 is itself
            }
            if (container.kind() == MimePart.Kind.MULTIPART) {
                if (n > container.children().size()) return Optional.empty();
                current = container.children().get(n - 1);
            } else {
                if (n != 1) return Optional.empty();
                current = container;
            }
        }
        switch (section.specifier()) {
            case NONE:
                if (current == null) return Optional.of(range(root, 0, size));
                return Optional.of(range(current, current.bodyOffset(), current.bodyLength()));
            case MIME:
                return Optional.of(range(current, current.headerOffset(), current.headerLength()));
            default:
                break;
        }
        MimePart message;
        if (current == null) {
            message = root;
        } else if (current.kind() == MimePart.Kind.MESSAGE) {
            message = current.message();
        } else {
            return Optional.empty();
        }
        switch (section.specifier()) {
            case TEXT:
                return Optional.of(range(message, message.bodyOffset(), message.bodyLength()));
            case HEADER:
                return Optional.of(range(message, message.headerOffset(), message.headerLength()));
            case HEADER_FIELDS:
                return Optional.of(new PartLocation(message.headerOffset(), message.headerLength(),
                        PartLocation.Filter.FIELDS, section.fields(), message));
            default:
                return Optional.of(new PartLocation(message.headerOffset(), message.headerLength(),
                        PartLocation.Filter.FIELDS_NOT, section.fields(), message));
        }
    }

    private static PartLocation range(MimePart part, long offset, long length) {
        return new PartLocation(offset, length, PartLocation.Filter.NONE, java.util.List.of(), part);
    }

    @Override
    public String toString() {
        return "MessageStructure" + bodyStructure;
    }
}
