package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.mailroom.core.store.Mailbox;
import org.mailroom.protocol.imap.Arguments;
import org.mailroom.protocol.imap.ImapValue;
import org.mailroom.protocol.imap.ModifiedUtf7;

/**
 * LIST (RFC 9051 section 6.3.9) with LIST-EXTENDED (RFC 5258): selection options SUBSCRIBED, SPECIAL-USE,
 * RECURSIVEMATCH; return options SUBSCRIBED, CHILDREN, SPECIAL-USE, STATUS (RFC 5819). Children attributes and
 * special-use attributes (RFC 6154) are always sent: they are cheap here and clients rely on them.
 * Patterns: {@code *} matches anything, {@code %} anything but the separator.
 */
public final class ListCommand implements ImapCommand {
    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        Set<String> selection = new TreeSet<>();
        if (request.args().peekList()) {
            for (ImapValue v : request.args().list("selection options")) {
                selection.add(Arguments.text(v, "a selection option").toUpperCase(Locale.ROOT));
            }
        }
        for (String option : selection) {
            if (!Set.of("SUBSCRIBED", "SPECIAL-USE", "RECURSIVEMATCH").contains(option)) {
                throw new BadCommandException("Unknown selection option " + option);
            }
        }
        String reference = request.args().astring("the reference name");
        List<String> patterns = new ArrayList<>();
        if (request.args().peekList()) {
            for (ImapValue v : request.args().list("patterns")) patterns.add(Arguments.text(v, "a pattern"));
        } else {
            patterns.add(request.args().astring("the mailbox pattern"));
        }
        Set<String> returns = new TreeSet<>();
        List<ImapValue> statusItems = null;
        if (request.args().peekAtom("RETURN")) {
            request.args().atom("RETURN");
            List<ImapValue> options = request.args().list("return options");
            for (int i = 0; i < options.size(); i++) {
                String option = Arguments.text(options.get(i), "a return option").toUpperCase(Locale.ROOT);
                if (option.equals("STATUS")) {
                    if (i + 1 >= options.size() || !(options.get(i + 1) instanceof ImapValue.ListValue l)) {
                        throw new BadCommandException("STATUS needs a list of items");
                    }
                    statusItems = l.items();
                    i++;
                } else if (Set.of("SUBSCRIBED", "CHILDREN", "SPECIAL-USE").contains(option)) {
                    returns.add(option);
                } else {
                    throw new BadCommandException("Unknown return option " + option);
                }
            }
        }
        request.args().end();
        if (selection.contains("RECURSIVEMATCH") && selection.size() == 1) {
            throw new BadCommandException("RECURSIVEMATCH needs another selection option");
        }

        // RFC 9051 section 6.3.9: an empty pattern asks for the separator and the root.
        if (patterns.size() == 1 && patterns.get(0).isEmpty()) {
            session.untagged("LIST (\\Noselect) \"/\" \"\"");
            session.ok(request, "LIST completed");
            return;
        }
        List<Mailbox> all = session.store().listMailboxes(session.account());
        Map<String, Mailbox> byName = new TreeMap<>();
        for (Mailbox m : all) byName.put(m.name(), m);
        Set<String> subscribed = new TreeSet<>(session.store().subscriptions(session.account()));
        Map<String, String> specialUse = session.store().specialUses(session.account());

        List<Pattern> matchers = new ArrayList<>();
        for (String p : patterns) matchers.add(pattern(reference, p));
        Collection<String> candidates = new TreeSet<>(byName.keySet());
        // A mailbox "a/b" whose parent "a" does not exist: "a" is listed as \Noselect so that a client walking the
        // hierarchy with "%" finds "a/b" (RFC 3501 section 6.3.8).
        for (String name : byName.keySet()) {
            for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
                candidates.add(name.substring(0, slash));
            }
        }
        if (selection.contains("SUBSCRIBED")) candidates = subscribed;
        for (String name : candidates) {
            if (!matches(matchers, name)) continue;
            if (selection.contains("SPECIAL-USE") && !specialUse.containsKey(name)) continue;
            List<String> attributes = new ArrayList<>();
            if (!byName.containsKey(name)) {
                attributes.add(hasChildren(byName.keySet(), name) ? "\\Noselect" : "\\NonExistent");
            }
            boolean children = hasChildren(byName.keySet(), name);
            attributes.add(children ? "\\HasChildren" : "\\HasNoChildren");
            if (specialUse.containsKey(name)) attributes.add(specialUse.get(name));
            if (subscribed.contains(name) && (returns.contains("SUBSCRIBED") || selection.contains("SUBSCRIBED"))) {
                attributes.add("\\Subscribed");
            }
            session.untagged("LIST (" + String.join(" ", attributes) + ") \"/\" " + org.mailroom.protocol.imap.MailboxNames.toClient(session, name));
            if (statusItems != null && byName.containsKey(name)) {
                session.untagged(StatusCommand.status(session, byName.get(name), statusItems));
            }
        }
        session.ok(request, "LIST completed");
    }

    private static boolean hasChildren(Set<String> names, String name) {
        for (String other : names) if (other.startsWith(name + "/")) return true;
        return false;
    }

    static boolean matches(List<Pattern> matchers, String name) {
        for (Pattern p : matchers) if (p.matcher(name).matches()) return true;
        return false;
    }

    /** Reference and pattern joined (RFC 9051 section 6.3.9), wildcards made a regular expression. */
    static Pattern pattern(String reference, String pattern) throws BadCommandException {
        String full;
        try {
            full = ModifiedUtf7.decode(reference) + ModifiedUtf7.decode(pattern);
        } catch (IllegalArgumentException e) {
            throw new BadCommandException("Bad mailbox pattern");
        }
        StringBuilder re = new StringBuilder();
        // INBOX is case-insensitive, also as the first level of a pattern.
        if (full.regionMatches(true, 0, "INBOX", 0, 5) && (full.length() == 5 || full.charAt(5) == '/')) {
            full = "INBOX" + full.substring(5);
        }
        StringBuilder literal = new StringBuilder();
        for (char c : full.toCharArray()) {
            if (c == '*' || c == '%') {
                if (literal.length() > 0) re.append(Pattern.quote(literal.toString()));
                literal.setLength(0);
                re.append(c == '*' ? ".*" : "[^/]*");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) re.append(Pattern.quote(literal.toString()));
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

}
