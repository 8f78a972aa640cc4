package org.mailroom.protocol.imap;

import java.util.List;

/** Reads a command's arguments in order; each getter names what it wants, for the BAD reply. */
public final class Arguments {

    private final List<ImapValue> values;
    private int next;

    public Arguments(List<ImapValue> values) {
        this.values = values;
    }

    public boolean hasNext() {
        return next < values.size();
    }

    public ImapValue peek() {
        return hasNext() ? values.get(next) : null;
    }

    /** True if the next value is the atom {@code word} (case-insensitive). */
    public boolean peekAtom(String word) {
        return peek() instanceof ImapValue.Atom a && a.is(word);
    }

    public boolean peekList() {
        return peek() instanceof ImapValue.ListValue;
    }

    public ImapValue value(String what) throws BadCommandException {
        if (!hasNext()) throw new BadCommandException("Missing " + what);
        return values.get(next++);
    }

    public String atom(String what) throws BadCommandException {
        if (value(what) instanceof ImapValue.Atom a) return a.text();
        throw new BadCommandException("Expected an atom for " + what);
    }

    /** An atom or a string (astring), as text. */
    public String astring(String what) throws BadCommandException {
        return text(value(what), what);
    }

    /** A string (quoted or literal) or an atom; its bytes. */
    public ImapValue.Text literalOrString(String what) throws BadCommandException {
        ImapValue v = value(what);
        if (v instanceof ImapValue.Text t) return t;
        throw new BadCommandException("Expected a string for " + what);
    }

    public List<ImapValue> list(String what) throws BadCommandException {
        if (value(what) instanceof ImapValue.ListValue l) return l.items();
        throw new BadCommandException("Expected a parenthesised list for " + what);
    }

    public long number(String what) throws BadCommandException {
        return number(atom(what), what);
    }

    public void end() throws BadCommandException {
        if (hasNext()) throw new BadCommandException("Too many arguments");
    }

    public static String text(ImapValue v, String what) throws BadCommandException {
        if (v instanceof ImapValue.Atom a) return a.text();
        if (v instanceof ImapValue.Text t) return t.string();
        throw new BadCommandException("Expected a string for " + what);
    }

    public static long number(String text, String what) throws BadCommandException {
        if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new BadCommandException("Expected a number for " + what);
        }
        return Long.parseLong(text);
    }
}
