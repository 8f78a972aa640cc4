package org.mailroom.protocol.imap.commands;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mailroom.protocol.imap.Arguments;
import org.mailroom.protocol.imap.BadCommandException;
import org.mailroom.protocol.imap.BaseSubject;
import org.mailroom.protocol.imap.ImapCommand;
import org.mailroom.protocol.imap.ImapSession;
import org.mailroom.protocol.imap.Request;

/**
 * THREAD and UID THREAD (RFC 5256 section 4): {@code THREAD REFERENCES UTF-8 ALL} answers
 * {@code * THREAD (1 2 (3)(4))(5)}, where a number followed by others is their parent and parenthesised
 * groups are siblings. ORDEREDSUBJECT groups by base subject, the first message (by sent date) being the parent
 * of the others; REFERENCES builds the tree from Message-ID, References and In-Reply-To, then merges roots of the
 * same base subject, following the steps of section 4 as numbered below.
 */
public final class ThreadCommand implements ImapCommand {

    /** A place in the tree; a dummy (no message) stands for a referenced message we do not have. */
    private static final class Node {
        SortedMessage message;
        Node parent;
        final List<Node> children = new ArrayList<>();

        boolean dummy() {
            return message == null;
        }

        /** Sent date for ordering; a dummy takes its first child's (children are sorted first). */
        SortedMessage first() {
            return message != null ? message : children.isEmpty() ? null : children.get(0).first();
        }
    }

    /** By sent date, then sequence number (RFC 5256 section 2.2). */
    private static final Comparator<SortedMessage> SENT =
            Comparator.comparing(SortedMessage::sentDate).thenComparingInt(SortedMessage::msn);

    @Override
    public void execute(ImapSession session, Request request) throws IOException, BadCommandException {
        String algorithm = request.args().atom("the threading algorithm").toUpperCase(Locale.ROOT);
        if (!algorithm.equals("ORDEREDSUBJECT") && !algorithm.equals("REFERENCES")) {
            throw new BadCommandException("Unknown threading algorithm " + algorithm);
        }
        List<SortedMessage> messages;
        try {
            messages = SortedMessage.matching(session, request.args());
        } catch (SortedMessage.UnsupportedCharset e) {
            session.no(request, "[BADCHARSET (UTF-8 US-ASCII)] Unsupported charset " + e.getMessage());
            return;
        }
        List<Node> roots = algorithm.equals("REFERENCES") ? references(messages) : orderedSubject(messages);
        StringBuilder s = new StringBuilder("THREAD");
        for (int i = 0; i < roots.size(); i++) {
            s.append(i == 0 ? " (" : "(").append(chain(roots.get(i), request.uid())).append(')');
        }
        session.untagged(s.toString());
        session.ok(request, request.fullName() + " completed");
    }

    /** Section 4, ORDEREDSUBJECT: sort by base subject and sent date; each subject is one thread. */
    private static List<Node> orderedSubject(List<SortedMessage> messages) {
        List<SortedMessage> sorted = new ArrayList<>(messages);
        sorted.sort(Comparator.<SortedMessage, String>comparing(m -> BaseSubject.asciiUpper(m.subject().text()))
                .thenComparing(SENT));
        List<Node> roots = new ArrayList<>();
        Node root = null;
        for (SortedMessage m : sorted) {
            Node n = new Node();
            n.message = m;
            if (root != null && BaseSubject.compareCaseMapped(root.message.subject().text(), m.subject().text()) == 0) {
                n.parent = root;
                root.children.add(n);
            } else {
                root = n;
                roots.add(n);
            }
        }
        roots.sort(Comparator.comparing(Node::first, SENT));
        return roots;
    }

    /** Section 4, REFERENCES. */
    private static List<Node> references(List<SortedMessage> messages) {
        // Step 1: containers by Message-ID, linked along each References chain.
        Map<String, Node> byId = new LinkedHashMap<>();
        int unique = 0;
        for (SortedMessage m : messages) {
            String id = m.headers().messageId() == null ? null : m.headers().messageId().replaceAll("\\s+", "");
            Node node = id == null ? null : byId.get(id);
            if (node == null || !node.dummy()) {
                // No Message-ID, or a duplicate one: the message gets an identifier of its own (step 1.A).
                if (node != null || id == null) id = "\0unique" + unique++;
                node = new Node();
                byId.put(id, node);
            }
            node.message = m;
            List<String> refs = new ArrayList<>(m.headers().references());
            if (refs.isEmpty() && m.headers().inReplyTo() != null) {
                String irt = m.headers().inReplyTo();
                int open = irt.indexOf('<');
                int close = open < 0 ? -1 : irt.indexOf('>', open);
                if (close > open) refs.add(irt.substring(open, close + 1).replaceAll("\\s+", ""));
            }
            Node previous = null;
            for (String ref : refs) {
                Node r = byId.computeIfAbsent(ref, k -> new Node());
                // Step 1.B: link only if it adds no loop and does not override an existing parent.
                if (previous != null && r.parent == null && r != previous && !isAncestor(r, previous)) {
                    link(previous, r);
                }
                previous = r;
            }
            // Step 1.C: the last reference is the parent, replacing a parent guessed from a truncated chain.
            if (node.parent != null) unlink(node);
            if (previous != null && previous != node && !isAncestor(node, previous)) link(previous, node);
        }
        // Step 2: the roots.
        List<Node> roots = new ArrayList<>();
        for (Node n : byId.values()) if (n.parent == null) roots.add(n);
        // Step 3: prune dummies.
        roots = prune(roots, true);
        // Step 4: sort by sent date (children first, so a dummy can take its first child's date).
        sortTree(roots);
        // Step 5: gather roots of the same base subject.
        Map<String, Node> subjects = new HashMap<>();
        for (Node root : roots) {
            String subject = subjectKey(root);
            if (subject.isEmpty()) continue;
            Node old = subjects.get(subject);
            if (old == null || (!old.dummy() && (root.dummy()
                    || (old.message.subject().isReplyOrForward() && !root.message.subject().isReplyOrForward())))) {
                subjects.put(subject, root);
            }
        }
        List<Node> merged = new ArrayList<>();
        for (Node root : roots) {
            if (root.parent != null) continue; // merged into a thread met earlier
            String subject = subjectKey(root);
            Node table = subject.isEmpty() ? null : subjects.get(subject);
            if (table == null || table == root) {
                merged.add(root);
                continue;
            }
            if (table.dummy() && root.dummy()) {
                for (Node child : new ArrayList<>(root.children)) {
                    unlink(child);
                    link(table, child);
                }
            } else if (table.dummy()) {
                link(table, root);
            } else if (root.message.subject().isReplyOrForward() && !table.message.subject().isReplyOrForward()) {
                link(table, root);
            } else {
                // Neither is a reply to the other: both become children of a new dummy, which takes the table's
                // place among the roots (it was met first, so it is already in merged).
                Node dummy = new Node();
                int at = merged.indexOf(table);
                link(dummy, table);
                link(dummy, root);
                if (at >= 0) merged.set(at, dummy);
                else merged.add(dummy);
                subjects.put(subject, dummy);
            }
        }
        // Step 6: siblings by sent date, at every level.
        sortTree(merged);
        return merged;
    }

    private static String subjectKey(Node root) {
        SortedMessage m = root.first();
        return m == null ? "" : BaseSubject.asciiUpper(m.subject().text());
    }

    private static List<Node> prune(List<Node> nodes, boolean atRoot) {
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) {
            List<Node> kept = prune(n.children, false);
            n.children.clear();
            for (Node k : kept) {
                k.parent = n;
                n.children.add(k);
            }
            if (!n.dummy()) {
                out.add(n);
            } else if (n.children.isEmpty()) {
                continue; // a dummy without children goes
            } else if (!atRoot || n.children.size() == 1) {
                // Its children move up a level, unless it is a root holding several: then it keeps them together.
                for (Node k : n.children) {
                    k.parent = atRoot ? null : n.parent;
                    out.add(k);
                }
            } else {
                out.add(n);
            }
        }
        return out;
    }

    private static void sortTree(List<Node> nodes) {
        for (Node n : nodes) sortTree(n.children);
        nodes.sort(Comparator.comparing(Node::first, SENT));
    }

    private static boolean isAncestor(Node candidate, Node of) {
        for (Node p = of; p != null; p = p.parent) if (p == candidate) return true;
        return false;
    }

    private static void link(Node parent, Node child) {
        child.parent = parent;
        parent.children.add(child);
    }

    private static void unlink(Node child) {
        child.parent.children.remove(child);
        child.parent = null;
    }

    /** A message followed by its only child's chain, or by each child's chain in parentheses. */
    private static String chain(Node n, boolean uid) {
        StringBuilder s = new StringBuilder();
        if (n.message != null) s.append(n.message.number(uid));
        if (n.children.size() == 1) {
            if (s.length() > 0) s.append(' ');
            s.append(chain(n.children.get(0), uid));
        } else if (n.children.size() > 1) {
            if (s.length() > 0) s.append(' ');
            for (Node child : n.children) s.append('(').append(chain(child, uid)).append(')');
        }
        return s.toString();
    }
}
