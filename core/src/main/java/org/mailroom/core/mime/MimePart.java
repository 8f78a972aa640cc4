package org.mailroom.core.mime;

import java.util.List;

/**
 * One entity of a message: the message itself (the root), a part of a multipart, or the message
 * encapsulated in a message/rfc822 part. Immutable.
 *
 * <p>Offsets are in octets from the start of the message. The header range ends after the blank line that
 * ends the header (when there is one); the body range of a part inside a multipart ends before the CRLF
 * that precedes the next boundary, which belongs to the boundary (RFC 2046 section 5.1.1).
 *
 * <p>A message/rfc822 (or message/global) part has its body's message as {@link #message()}: that entity's
 * header range is the encapsulated header, and its body range the encapsulated body.
 */
public final class MimePart {

    /** How IMAP shows the part in BODYSTRUCTURE (RFC 9051 section 7.5.2, body-type-*). */
    public enum Kind { MULTIPART, MESSAGE, TEXT, BASIC }

    /** A Content-Type or Content-Disposition parameter, RFC 2231 continuations already joined. */
    public record Parameter(String name, String value) {}

    private final Kind kind;
    private final String type;
    private final String subtype;
    private final List<Parameter> parameters;
    private final String contentId;
    private final String description;
    private final String encoding;
    private final String md5;
    private final String disposition;
    private final List<Parameter> dispositionParameters;
    private final List<String> languages;
    private final String location;
    private final long headerOffset;
    private final long headerLength;
    private final long bodyOffset;
    private final long bodyLength;
    private final long lines;
    private final List<MimePart> children;
    private final MimePart message;
    private final String envelope;

    MimePart(Kind kind, String type, String subtype, List<Parameter> parameters, String contentId,
             String description, String encoding, String md5, String disposition,
             List<Parameter> dispositionParameters, List<String> languages, String location,
             long headerOffset, long headerLength, long bodyOffset, long bodyLength, long lines,
             List<MimePart> children, MimePart message, String envelope) {
        this.kind = kind;
        this.type = type;
        this.subtype = subtype;
        this.parameters = List.copyOf(parameters);
        this.contentId = contentId;
        this.description = description;
        this.encoding = encoding;
        this.md5 = md5;
        this.disposition = disposition;
        this.dispositionParameters = List.copyOf(dispositionParameters);
        this.languages = List.copyOf(languages);
        this.location = location;
        this.headerOffset = headerOffset;
        this.headerLength = headerLength;
        this.bodyOffset = bodyOffset;
        this.bodyLength = bodyLength;
        this.lines = lines;
        this.children = List.copyOf(children);
        this.message = message;
        this.envelope = envelope;
    }

    public Kind kind() {
        return kind;
    }

    /** The media type as the message wrote it ({@code text} when defaulted). */
    public String type() {
        return type;
    }

    public String subtype() {
        return subtype;
    }

    public List<Parameter> parameters() {
        return parameters;
    }

    /** The value of a Content-Type parameter, matched case-insensitively; null if absent. */
    public String parameter(String name) {
        for (Parameter p : parameters) {
            if (p.name().equalsIgnoreCase(name)) return p.value();
        }
        return null;
    }

    public String contentId() {
        return contentId;
    }

    public String description() {
        return description;
    }

    /** Content-Transfer-Encoding as written, {@code 7bit} when absent (RFC 2045 section 6.1). */
    public String encoding() {
        return encoding;
    }

    public String md5() {
        return md5;
    }

    /** Content-Disposition's value ({@code inline}, {@code attachment}), or null. */
    public String disposition() {
        return disposition;
    }

    public List<Parameter> dispositionParameters() {
        return dispositionParameters;
    }

    public List<String> languages() {
        return languages;
    }

    public String location() {
        return location;
    }

    public long headerOffset() {
        return headerOffset;
    }

    public long headerLength() {
        return headerLength;
    }

    public long bodyOffset() {
        return bodyOffset;
    }

    /** The body's size in octets: body-fld-octets of BODYSTRUCTURE. */
    public long bodyLength() {
        return bodyLength;
    }

    /** LF count of the body: body-fld-lines for text and message parts. */
    public long lines() {
        return lines;
    }

    /** The parts of a multipart, in order; empty for other kinds. */
    public List<MimePart> children() {
        return children;
    }

    /** The encapsulated message of a message/rfc822 part, or null. */
    public MimePart message() {
        return message;
    }

    /** The IMAP ENVELOPE of this entity when it is a message (the root or {@link #message()}), else null. */
    public String envelope() {
        return envelope;
    }

    boolean isMultipart() {
        return kind == Kind.MULTIPART;
    }

    @Override
    public String toString() {
        return type + "/" + subtype + " header@" + headerOffset + "+" + headerLength + " body@" + bodyOffset + "+"
                + bodyLength;
    }
}
