package org.mailroom.core.mime;

import java.io.ByteArrayOutputStream;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * BODY[HEADER.FIELDS (...)] and BODY[HEADER.FIELDS.NOT (...)] (RFC 9051 section 6.4.5): keeps (or drops)
 * the fields of a header block whose names are in the list, case-insensitively, each with its continuation
 * lines, in their original order and bytes. The blank line that ends the header is always kept ("the
 * blank line is always included in header data, except in the case of a message which has no body and no
 * blank line").
 */
public final class HeaderFilter {

    private HeaderFilter() {}

    /**
     * @param header a header block as stored (BODY[HEADER] or BODY[n.MIME] bytes)
     * @param names  field names, any case
     * @param not    true for HEADER.FIELDS.NOT
     */
    public static byte[] filter(byte[] header, Collection<String> names, boolean not) {
        Set<String> wanted = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        wanted.addAll(names);
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(header.length, 1024));
        int i = 0;
        boolean keep = false;
        while (i < header.length) {
            int end = i;
            while (end < header.length && header[end] != '\n') end++;
            if (end < header.length) end++;
            int content = end;
            while (content > i && (header[content - 1] == '\n' || header[content - 1] == '\r')) content--;
            if (content == i && end > i && header[end - 1] == '\n') {
                out.write(header, i, end - i); // the blank line: the header ends here
                break;
            }
            if (header[i] != ' ' && header[i] != '\t') {
                int colon = i;
                while (colon < content && header[colon] != ':') colon++;
                String name = new String(header, i, colon - i, java.nio.charset.StandardCharsets.ISO_8859_1)
                        .strip().toLowerCase(Locale.ROOT);
                keep = wanted.contains(name) != not;
            }
            if (keep) out.write(header, i, end - i);
            i = end;
        }
        return out.toByteArray();
    }
}
