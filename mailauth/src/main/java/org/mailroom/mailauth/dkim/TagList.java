package org.mailroom.mailauth.dkim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A DKIM tag-list (RFC 6376 section 3.2): {@code v=1; a=rsa-sha256; d=example.org}, the syntax of DKIM-Signature,
 * ARC-Message-Signature, ARC-Seal and of the DNS key record.
 *
 * <p>Parsed strictly: a tag name is ALPHA followed by ALPHA, DIGIT or "_"; a value holds VALCHARs (and, for
 * RFC 8616 internationalized addresses, octets above 127) separated by whitespace; folding whitespace may surround
 * names, "=" and values; one ";" may end the list. A tag given twice makes the whole list invalid (section 3.2:
 * "Tags with duplicate names MUST NOT occur"). Values are kept as written, inner whitespace included: base64 values
 * are stripped of it by {@link #base64(String)} and lists split by their users.
 *
 * <p>Strings here are header bytes read as ISO-8859-1 (one char per octet), so nothing is lost or re-encoded.
 */
public final class TagList {

    /** Why a tag-list is unusable; carries a short reason for the verdict. */
    public static final class SyntaxException extends Exception {
        private static final long serialVersionUID = 1L;

        public SyntaxException(String reason) {
            super(reason, null, false, false);
        }
    }

    private final Map<String, String> tags;

    private TagList(Map<String, String> tags) {
        this.tags = Collections.unmodifiableMap(tags);
    }

    /** Parses a tag-list; every syntax error, duplicate tags included, is a {@link SyntaxException}. */
    public static TagList parse(String text) throws SyntaxException {
        Map<String, String> tags = new LinkedHashMap<>();
        int start = 0;
        int n = text.length();
        while (start <= n) {
            int end = text.indexOf(';', start);
            if (end < 0) {
                end = n;
            }
            String spec = text.substring(start, end);
            boolean last = end == n;
            if (isBlank(spec)) {
                // Only the end of the list may be empty ("a=1;" or "a=1; "); "a=1;;b=2" is not a tag-list.
                if (!last) {
                    throw new SyntaxException("empty tag-spec");
                }
                if (tags.isEmpty()) {
                    throw new SyntaxException("empty tag-list");
                }
                break;
            }
            int eq = spec.indexOf('=');
            if (eq < 0) {
                throw new SyntaxException("tag without '='");
            }
            String name = trimFws(spec.substring(0, eq));
            if (!isTagName(name)) {
                throw new SyntaxException("bad tag name");
            }
            String value = trimFws(spec.substring(eq + 1));
            if (!isTagValue(value)) {
                throw new SyntaxException("bad value of " + name + "=");
            }
            if (tags.putIfAbsent(name, value) != null) {
                throw new SyntaxException("duplicate tag " + name + "=");
            }
            start = end + 1;
        }
        return new TagList(tags);
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(tags.get(name));
    }

    public boolean has(String name) {
        return tags.containsKey(name);
    }

    /** The tags in the order written. */
    public Map<String, String> asMap() {
        return tags;
    }

    /** The first tag written (a key record's {@code v=} must be it). */
    public String firstName() {
        return tags.keySet().iterator().next();
    }

    /**
     * A base64 value without its folding whitespace, decoded (RFC 6376 section 2.6: whitespace in base64string is
     * ignored).
     */
    public static byte[] base64(String value) throws SyntaxException {
        StringBuilder b = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!isFwsChar(c)) {
                b.append(c);
            }
        }
        try {
            return java.util.Base64.getDecoder().decode(b.toString());
        } catch (IllegalArgumentException e) {
            throw new SyntaxException("bad base64");
        }
    }

    /**
     * The field (name, colon, value as written) with the value of one tag emptied, whitespace around it included:
     * RFC 6376 section 3.7, the {@code b=} of the signature being computed or checked hashes as "b=". The field
     * is assumed to parse; only the first tag of that name is emptied.
     */
    public static String withEmptyValue(String field, String tag) {
        int colon = field.indexOf(':');
        int start = colon + 1;
        int n = field.length();
        while (start < n) {
            int end = field.indexOf(';', start);
            if (end < 0) {
                end = n;
            }
            int eq = field.indexOf('=', start);
            if (eq >= 0 && eq < end && trimFws(field.substring(start, eq)).equals(tag)) {
                return field.substring(0, eq + 1) + field.substring(end);
            }
            start = end + 1;
        }
        return field;
    }

    static String trimFws(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && isFwsChar(s.charAt(b))) {
            b++;
        }
        while (e > b && isFwsChar(s.charAt(e - 1))) {
            e--;
        }
        return s.substring(b, e);
    }

    private static boolean isBlank(String s) {
        return trimFws(s).isEmpty();
    }

    static boolean isFwsChar(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean isTagName(String s) {
        if (s.isEmpty() || !isAlpha(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isAlpha(c) && !(c >= '0' && c <= '9') && c != '_') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** VALCHAR is %x21-3A / %x3C-7E; whitespace only between VALCHARs; a CR only in a CRLF followed by WSP. */
    private static boolean isTagValue(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t') {
                continue;
            }
            if (c == '\r') {
                if (i + 2 >= s.length() || s.charAt(i + 1) != '\n' || (s.charAt(i + 2) != ' ' && s.charAt(i + 2) != '\t')) {
                    return false;
                }
                i++;
                continue;
            }
            boolean valchar = (c >= 0x21 && c <= 0x3A) || (c >= 0x3C && c <= 0x7E) || (c >= 0x80 && c <= 0xFF);
            if (!valchar) {
                return false;
            }
        }
        return true;
    }
}
