package org.mailroom.core.mime;

/**
 * Where the bytes of a FETCH section are in the message blob: read {@code length} octets at
 * {@code offset}, then pass them through {@link #extract} (which applies HEADER.FIELDS filtering when
 * the section asks for it; other sections come back unchanged).
 *
 * @param part the part the section names (for BINARY: its Content-Transfer-Encoding), or the root
 */
public record PartLocation(long offset, long length, Filter filter, java.util.List<String> fields, MimePart part) {

    /** Whether the bytes are served as they are or filtered by field names. */
    public enum Filter { NONE, FIELDS, FIELDS_NOT }

    public PartLocation {
        fields = java.util.List.copyOf(fields);
    }

    /** The section's content from the bytes of the range. */
    public byte[] extract(byte[] range) {
        switch (filter) {
            case FIELDS: return HeaderFilter.filter(range, fields, false);
            case FIELDS_NOT: return HeaderFilter.filter(range, fields, true);
            default: return range;
        }
    }
}
