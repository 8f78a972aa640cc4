package org.mailroom.protocol.imap;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Flags from the client: system flags spelt as IMAP spells them, keywords as given (RFC 9051 section 2.3.2). */
public final class Flags {

    private static final Map<String, String> SYSTEM = Map.of("\\seen", "\\Seen", "\\answered", "\\Answered",
            "\\flagged", "\\Flagged", "\\deleted", "\\Deleted", "\\draft", "\\Draft");

    private Flags() {}

    public static Set<String> parse(List<ImapValue> values) throws BadCommandException {
        Set<String> flags = new LinkedHashSet<>();
        for (ImapValue v : values) {
            if (!(v instanceof ImapValue.Atom a)) throw new BadCommandException("Flags are atoms");
            String flag = a.text();
            if (flag.startsWith("\\")) {
                String system = SYSTEM.get(flag.toLowerCase(Locale.ROOT));
                // \Recent cannot be set by clients (RFC 3501 section 2.3.2); ignore it rather than fail.
                if (system == null && flag.equalsIgnoreCase("\\Recent")) continue;
                if (system == null) throw new BadCommandException("Unknown system flag " + flag);
                flags.add(system);
            } else {
                if (flag.contains("[") || flag.contains("]") || flag.contains("*") || flag.contains("%")) {
                    throw new BadCommandException("Bad keyword " + flag);
                }
                flags.add(flag);
            }
        }
        return flags;
    }
}
