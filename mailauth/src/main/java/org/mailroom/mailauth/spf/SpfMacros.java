package org.mailroom.mailauth.spf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * SPF macro strings (RFC 7208 section 7): {@code %{letter digits r delimiters}}, {@code %%}, {@code %_},
 * {@code %-}. Letters c, r and t exist only in explanation strings (section 7.2); an upper-case letter asks for
 * URL escaping (section 7.3). A macro string that breaks the grammar is a permerror.
 */
final class SpfMacros {

    /** The values the letters stand for; {@code p} is asked only when used, because it costs DNS look-ups. */
    interface Values {
        /** The value of a lower-case macro letter, before transformers. */
        String value(char letter) throws SpfAbort;
    }

    private static final String DELIMITERS = ".-+,/_=";
    private static final String LETTERS = "slodiphcrtv";

    private SpfMacros() {
    }

    /** Checks the grammar only (at parse time, so a bad macro anywhere in a record is a permerror). */
    static void validate(String macroString, boolean explanation) throws SpfAbort {
        expand(macroString, explanation, null);
    }

    /** Expands a macro string; {@code values} null only validates (and returns a meaningless string). */
    static String expand(String s, boolean explanation, Values values) throws SpfAbort {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '%') {
                // macro-literal is %x21-24 / %x26-7E; explanation text also allows spaces (section 6.2: it is a
                // macro-string after the TXT strings are joined, and real ones are sentences)
                if ((c < 0x21 || c > 0x7e) && !(explanation && c == ' ')) {
                    throw SpfAbort.perm("character 0x" + Integer.toHexString(c) + " in a macro string");
                }
                out.append(c);
                i++;
                continue;
            }
            if (i + 1 >= s.length()) throw SpfAbort.perm("macro string ends in %");
            char n = s.charAt(i + 1);
            switch (n) {
                case '%' -> { out.append('%'); i += 2; continue; }
                case '_' -> { out.append(' '); i += 2; continue; }
                case '-' -> { out.append("%20"); i += 2; continue; }
                case '{' -> { }
                default -> throw SpfAbort.perm("bad macro %" + n);
            }
            int close = s.indexOf('}', i + 2);
            if (close < 0) throw SpfAbort.perm("macro without }");
            out.append(expandOne(s.substring(i + 2, close), explanation, values));
            i = close + 1;
        }
        return out.toString();
    }

    /** One {@code letter [digits] [r] *delimiter} body. */
    private static String expandOne(String body, boolean explanation, Values values) throws SpfAbort {
        if (body.isEmpty()) throw SpfAbort.perm("empty macro");
        char letter = body.charAt(0);
        char lower = Character.toLowerCase(letter);
        if (LETTERS.indexOf(lower) < 0 || letter > 0x7e) throw SpfAbort.perm("unknown macro letter " + letter);
        if (!explanation && (lower == 'c' || lower == 'r' || lower == 't')) {
            throw SpfAbort.perm("macro %{" + letter + "} outside an explanation");
        }
        int j = 1;
        int digitsStart = j;
        while (j < body.length() && body.charAt(j) >= '0' && body.charAt(j) <= '9') j++;
        int keep = Integer.MAX_VALUE;
        if (j > digitsStart) {
            if (j - digitsStart > 3) throw SpfAbort.perm("macro transformer too large");
            keep = Integer.parseInt(body.substring(digitsStart, j));
            if (keep == 0) throw SpfAbort.perm("macro keeps zero labels"); // section 7.3: MUST be nonzero
        }
        boolean reverse = false;
        if (j < body.length() && (body.charAt(j) == 'r' || body.charAt(j) == 'R')) {
            reverse = true;
            j++;
        }
        String delimiters = body.substring(j);
        for (int k = 0; k < delimiters.length(); k++) {
            if (DELIMITERS.indexOf(delimiters.charAt(k)) < 0) throw SpfAbort.perm("bad macro delimiter");
        }
        if (values == null) return "x";
        String value = values.value(lower);
        String result = transform(value, keep, reverse, delimiters.isEmpty() ? "." : delimiters);
        return Character.isUpperCase(letter) ? urlEscape(result) : result;
    }

    /** Splits on the delimiters, reverses if asked, keeps the rightmost parts, joins with dots (section 7.3). */
    private static String transform(String value, int keep, boolean reverse, String delimiters) {
        if (keep == Integer.MAX_VALUE && !reverse && ".".equals(delimiters)) return value;
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int k = 0; k < value.length(); k++) {
            if (delimiters.indexOf(value.charAt(k)) >= 0) {
                parts.add(value.substring(start, k));
                start = k + 1;
            }
        }
        parts.add(value.substring(start));
        if (reverse) Collections.reverse(parts);
        if (keep < parts.size()) parts = parts.subList(parts.size() - keep, parts.size());
        return String.join(".", parts);
    }

    /** Percent-encodes everything but RFC 3986's unreserved characters. */
    private static String urlEscape(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", (int) c));
            }
        }
        return out.toString();
    }
}
