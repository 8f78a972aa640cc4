package org.mailroom.protocol.imap;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** One parsed argument: an atom, a string (quoted or literal) or a parenthesised list. */
public sealed interface ImapValue permits ImapValue.Atom, ImapValue.Text, ImapValue.ListValue {

    /**
     * An atom as sent, with any bracketed part it carries: {@code BODY.PEEK[HEADER.FIELDS (FROM)]<0.100>} is one
     * atom, because only the FETCH command knows what the brackets mean. {@code NIL} and numbers are atoms too.
     */
    record Atom(String text) implements ImapValue {
        public boolean is(String word) {
            return text.equalsIgnoreCase(word);
        }
    }

    /** A quoted string or a literal; {@code binary} for {@code ~{n}} (RFC 3516). */
    record Text(byte[] bytes, boolean literal, boolean binary) implements ImapValue {
        public String string() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    record ListValue(List<ImapValue> items) implements ImapValue {
        public ListValue {
            items = List.copyOf(items);
        }
    }
}
