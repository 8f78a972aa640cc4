package org.mailroom.delivery.sieve;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * imap4flags (RFC 5232) names flags as the script wrote them; IMAP's system flags are case-insensitive
 * ({@code \seen} is {@code \Seen}), so they are stored in their usual spelling. Keywords are kept as written.
 */
final class SystemFlags {

    private static final Map<String, String> SPELLING = Map.of(
            "\\seen", "\\Seen", "\\answered", "\\Answered", "\\flagged", "\\Flagged",
            "\\deleted", "\\Deleted", "\\draft", "\\Draft");

    private SystemFlags() {}

    static Set<String> normalize(Set<String> flags) {
        Set<String> out = new LinkedHashSet<>();
        for (String f : flags) {
            String known = SPELLING.get(f.toLowerCase(Locale.ROOT));
            if (known != null) {
                out.add(known);
            } else if (!f.isBlank() && !f.startsWith("\\")) {
                out.add(f); // a keyword; \Recent and made-up system flags are not the script's to set
            }
        }
        return out;
    }
}
