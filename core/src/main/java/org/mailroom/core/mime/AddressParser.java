package org.mailroom.core.mime;

import java.util.ArrayList;
import java.util.List;

/**
 * A lenient parser for RFC 5322 address lists (section 3.4, with the obsolete forms of section 4.4:
 * routes, dots in phrases, missing domains). It never fails: whatever it cannot read is skipped, one
 * character at a time, so a broken From still yields the addresses around the damage.
 *
 * <p>Display names keep RFC 2047 encoded words as written (IMAP's ENVELOPE wants them raw); quoted
 * strings lose their quotes and quoted-pairs. When an address has no display name its last comment stands
 * in, as {@code joe@example.com (Joe Bloggs)} meant a name before RFC 822 had phrases.
 */
final class AddressParser {

    /** One entry of the list; group syntax gives a start entry (with the group's name) and an end entry. */
    record Item(String name, String route, String mailbox, String host, Kind kind) {
        enum Kind { MAILBOX, GROUP_START, GROUP_END }
    }

    private final String s;
    private int i;
    private String lastComment;

    private AddressParser(String s) {
        this.s = s;
    }

    static List<Item> parse(String value) {
        List<Item> out = new ArrayList<>();
        if (value == null) return out;
        AddressParser p = new AddressParser(value);
        boolean inGroup = false;
        while (p.i < p.s.length()) {
            p.skipCfws();
            if (p.i >= p.s.length()) break;
            char c = p.s.charAt(p.i);
            if (c == ',') {
                p.i++;
                continue;
            }
            if (c == ';') {
                p.i++;
                if (inGroup) out.add(new Item(null, null, null, null, Item.Kind.GROUP_END));
                inGroup = false;
                continue;
            }
            int before = p.i;
            inGroup = p.address(out, inGroup);
            if (p.i == before) p.i++; // garbage character: skip it and go on
        }
        if (inGroup) out.add(new Item(null, null, null, null, Item.Kind.GROUP_END));
        return out;
    }

    /** Reads one mailbox or the start of a group; returns whether a group is open afterwards. */
    private boolean address(List<Item> out, boolean inGroup) {
        lastComment = null;
        StringBuilder phrase = new StringBuilder();
        StringBuilder raw = new StringBuilder();
        while (true) {
            boolean spaced = skipCfws();
            if (i >= s.length()) break;
            char c = s.charAt(i);
            String shown;
            if (c == '"') {
                shown = quoted();
                raw.append(shown); // mailboxes are given unquoted, as other servers do
            } else if (c == '.') {
                i++;
                shown = ".";
                raw.append('.');
            } else if (isAtext(c)) {
                shown = atom();
                raw.append(shown);
            } else {
                break;
            }
            if (spaced && phrase.length() > 0) phrase.append(' ');
            phrase.append(shown);
        }
        char c = i < s.length() ? s.charAt(i) : 0;
        if (c == '<') {
            i++;
            angleAddr(out, phrase.length() > 0 ? phrase.toString() : lastComment);
            return inGroup;
        }
        if (c == ':' && !inGroup) {
            i++;
            out.add(new Item(null, null, phrase.toString(), null, Item.Kind.GROUP_START));
            return true;
        }
        if (c == '@') {
            i++;
            String host = domain();
            lastComment = null;
            skipCfws();
            out.add(new Item(lastComment, null, raw.toString(), host, Item.Kind.MAILBOX));
            return inGroup;
        }
        if (raw.length() > 0) out.add(new Item(lastComment, null, raw.toString(), null, Item.Kind.MAILBOX));
        return inGroup;
    }

    /** After {@code <}: [route ":"] local-part ["@" domain] up to and including {@code >}. */
    private void angleAddr(List<Item> out, String name) {
        skipCfws();
        String route = null;
        if (i < s.length() && s.charAt(i) == '@') {
            StringBuilder r = new StringBuilder();
            while (i < s.length() && (s.charAt(i) == '@' || s.charAt(i) == ',')) {
                char c = s.charAt(i++);
                if (c == '@') {
                    if (r.length() > 0) r.append(',');
                    r.append('@').append(domain());
                }
                skipCfws();
            }
            if (i < s.length() && s.charAt(i) == ':') i++;
            route = r.toString();
        }
        StringBuilder local = new StringBuilder();
        while (true) {
            skipCfws();
            if (i >= s.length()) break;
            char c = s.charAt(i);
            if (c == '"') {
                i = QuotedString.read(s, i, local);
            } else if (c == '.') {
                i++;
                local.append('.');
            } else if (isAtext(c)) {
                local.append(atom());
            } else {
                break;
            }
        }
        String host = null;
        if (i < s.length() && s.charAt(i) == '@') {
            i++;
            host = domain();
        }
        while (i < s.length() && s.charAt(i) != '>' && s.charAt(i) != ',') i++;
        if (i < s.length() && s.charAt(i) == '>') i++;
        out.add(new Item(name, route, local.toString(), host, Item.Kind.MAILBOX));
    }

    private String domain() {
        skipCfws();
        StringBuilder d = new StringBuilder();
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '[') {
                int start = i;
                while (i < s.length() && s.charAt(i) != ']') i++;
                if (i < s.length()) i++;
                d.append(s, start, i);
            } else if (c == '.') {
                i++;
                d.append('.');
            } else if (isAtext(c)) {
                d.append(atom());
            } else {
                break;
            }
            // CFWS may separate the atoms of an obsolete domain (RFC 5322 section 4.4)
            int mark = i;
            skipCfws();
            boolean more = i < s.length() && (s.charAt(i) == '.' || d.charAt(d.length() - 1) == '.');
            if (!more) {
                i = mark;
                break;
            }
        }
        return d.toString();
    }

    private String atom() {
        int start = i;
        while (i < s.length() && isAtext(s.charAt(i))) i++;
        return s.substring(start, i);
    }

    /** Reads a quoted string at {@code "}, returning its content without quotes and quoted-pairs. */
    private String quoted() {
        StringBuilder v = new StringBuilder();
        i = QuotedString.read(s, i, v);
        return v.toString();
    }

    /** Skips white space and comments, remembering the last comment; true if anything was skipped. */
    private boolean skipCfws() {
        boolean skipped = false;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                i++;
            } else if (c == '(') {
                StringBuilder comment = new StringBuilder();
                int depth = 0;
                while (i < s.length()) {
                    char d = s.charAt(i++);
                    if (d == '\\' && i < s.length()) {
                        comment.append(s.charAt(i++));
                        continue;
                    }
                    if (d == '(' && depth++ == 0) continue;
                    if (d == ')' && --depth == 0) break;
                    comment.append(d);
                }
                String text = comment.toString().strip();
                if (!text.isEmpty()) lastComment = text;
            } else {
                break;
            }
            skipped = true;
        }
        return skipped;
    }

    /** RFC 5322 atext, and any non-ASCII character (RFC 6532). */
    static boolean isAtext(char c) {
        if (c > 127) return true;
        if (c <= 32 || c == 127) return false;
        return "()<>[]:;@\\,.\"".indexOf(c) < 0;
    }
}
