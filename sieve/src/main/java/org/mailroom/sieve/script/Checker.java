package org.mailroom.sieve.script;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.mailroom.sieve.SieveSyntaxException;
import org.mailroom.sieve.syntax.Argument;
import org.mailroom.sieve.syntax.Node;

/**
 * Gives the parsed nodes their meaning against the {@link Grammar} and checks everything a message cannot change:
 * {@code require} first and naming known extensions, every command, test and tag known and required, argument
 * types and counts, if/elsif/else order, comparators, relations, literal regular expressions and date parts,
 * literal addresses, mailbox and header names. Strings with variable references (RFC 5229) are checked when run.
 */
public final class Checker {

    public static final Set<String> DATE_PARTS = Set.of("year", "month", "day", "date", "julian", "hour", "minute",
            "second", "time", "iso8601", "std11", "zone", "weekday");
    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");
    private static final Pattern ZONE = Pattern.compile("[+-][0-9]{4}");
    /** RFC 5322 field name: printable ASCII but colon. */
    private static final Pattern FIELD_NAME = Pattern.compile("[!-9;-~]+");

    private final Set<String> required = new HashSet<>();
    private boolean variables;

    private Checker() {}

    public static Program check(String name, List<Node> nodes) throws SieveSyntaxException {
        Checker c = new Checker();
        int i = 0;
        for (; i < nodes.size() && nodes.get(i).name().equals("require"); i++) c.require(nodes.get(i));
        c.variables = c.required.contains("variables");
        List<Call> commands = c.block(nodes.subList(i, nodes.size()));
        return new Program(name, c.required, commands);
    }

    private void require(Node n) throws SieveSyntaxException {
        if (n.arguments().size() != 1 || !(n.arguments().get(0) instanceof Argument.Strings s) || !n.tests().isEmpty()
                || n.block() != null) {
            throw new SieveSyntaxException(n.line(), "require takes one string or string list");
        }
        for (String ext : s.values()) {
            String e = ext.toLowerCase(Locale.ROOT);
            if (!Grammar.EXTENSIONS.contains(e)) throw new SieveSyntaxException(n.line(), "unknown extension \"" + ext + "\"");
            required.add(e);
        }
        // RFC 5230 section 4: vacation-seconds implies vacation
        if (required.contains("vacation-seconds")) required.add("vacation");
    }

    private List<Call> block(List<Node> nodes) throws SieveSyntaxException {
        List<Call> out = new ArrayList<>(nodes.size());
        String previous = null;
        for (Node n : nodes) {
            if (n.name().equals("require")) {
                throw new SieveSyntaxException(n.line(), "require must come before every other command");
            }
            if ((n.name().equals("elsif") || n.name().equals("else")) && !"if".equals(previous) && !"elsif".equals(previous)) {
                throw new SieveSyntaxException(n.line(), n.name() + " without a preceding if");
            }
            out.add(call(n, false));
            previous = n.name();
        }
        return out;
    }

    private Call call(Node n, boolean asTest) throws SieveSyntaxException {
        Grammar.Spec spec = asTest ? Grammar.test(n.name()) : Grammar.command(n.name());
        String what = asTest ? "test" : "command";
        if (spec == null) {
            if ((asTest ? Grammar.command(n.name()) : Grammar.test(n.name())) != null) {
                throw new SieveSyntaxException(n.line(), n.name() + " is a " + (asTest ? "command" : "test") + ", not a " + what);
            }
            throw new SieveSyntaxException(n.line(), "unknown " + what + " " + n.name());
        }
        needs(spec.extension(), n.line(), what + " " + n.name());

        Map<String, Object> tags = new HashMap<>();
        Map<String, String> groups = new HashMap<>();
        List<Object> args = new ArrayList<>();
        List<Integer> argLines = new ArrayList<>();
        List<Argument> in = n.arguments();
        for (int i = 0; i < in.size(); i++) {
            Argument a = in.get(i);
            if (a instanceof Argument.Tag t) {
                Grammar.Tag tag = spec.tags().stream().filter(x -> x.name().equals(t.name())).findFirst().orElse(null);
                if (tag == null) throw new SieveSyntaxException(t.line(), "unknown tag :" + t.name() + " for " + n.name());
                needs(tag.extension(), t.line(), "tag :" + t.name());
                if (tags.containsKey(t.name())) throw new SieveSyntaxException(t.line(), "tag :" + t.name() + " given twice");
                if (tag.group() != null) {
                    String other = groups.put(tag.group(), t.name());
                    if (other != null) throw new SieveSyntaxException(t.line(), ":" + t.name() + " and :" + other + " exclude each other");
                }
                Object value = Boolean.TRUE;
                if (tag.arg() != Grammar.Type.NONE) {
                    if (i + 1 >= in.size()) throw new SieveSyntaxException(t.line(), "tag :" + t.name() + " needs an argument");
                    value = value(in.get(++i), tag.arg(), "the argument of :" + t.name());
                }
                tags.put(t.name(), value);
            } else {
                args.add(a);
                argLines.add(a.line());
            }
        }
        List<Object> positional = positional(spec, n, args);

        List<Call> tests = new ArrayList<>();
        switch (spec.tests()) {
            case NONE -> {
                if (!n.tests().isEmpty()) {
                    Node t = n.tests().get(0);
                    throw new SieveSyntaxException(t.line(), "expected ';' after " + n.name() + ", found " + t.name()
                            + " (" + n.name() + " takes no test)");
                }
            }
            case ONE -> {
                if (n.tests().size() != 1) throw new SieveSyntaxException(n.line(), n.name() + " takes exactly one test");
            }
            case LIST -> {
                if (n.tests().isEmpty()) throw new SieveSyntaxException(n.line(), n.name() + " takes a test list");
            }
        }
        for (Node t : n.tests()) tests.add(call(t, true));
        List<Call> block = null;
        if (spec.block()) {
            if (n.block() == null) throw new SieveSyntaxException(n.line(), n.name() + " needs a block");
            block = block(n.block());
        } else if (n.block() != null) {
            throw new SieveSyntaxException(n.line(), n.name() + " takes no block (a ';' missing?)");
        }
        Match match = match(n, spec, tags, positional);
        Call call = new Call(n.name(), tags, positional, tests, block, match, n.line());
        semantics(call);
        return call;
    }

    private List<Object> positional(Grammar.Spec spec, Node n, List<Object> given) throws SieveSyntaxException {
        List<Grammar.Type> types = spec.positional();
        int count = given.size();
        if (count > types.size() || count < types.size() - spec.optional()) {
            throw new SieveSyntaxException(n.line(), n.name() + " takes " + (spec.optional() > 0
                    ? (types.size() - spec.optional()) + " to " + types.size() : types.size()) + " positional argument(s), "
                    + count + " given");
        }
        int skip = spec.omitFirst() ? types.size() - count : 0;
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(value((Argument) given.get(i), types.get(i + skip), "argument " + (i + 1) + " of " + n.name()));
        }
        if (spec.omitFirst()) for (int i = 0; i < skip; i++) out.add(0, null);
        return out;
    }

    private Object value(Argument a, Grammar.Type type, String what) throws SieveSyntaxException {
        switch (type) {
            case NUMBER -> {
                if (a instanceof Argument.Number num) return num.value();
                throw new SieveSyntaxException(a.line(), what + " must be a number");
            }
            case STRING -> {
                if (a instanceof Argument.Strings s && !s.list()) return decode(s.values().get(0), a.line());
                throw new SieveSyntaxException(a.line(), what + " must be a string");
            }
            case STRINGS -> {
                if (a instanceof Argument.Strings s) {
                    List<String> out = new ArrayList<>(s.values().size());
                    for (String v : s.values()) out.add(decode(v, a.line()));
                    return List.copyOf(out);
                }
                throw new SieveSyntaxException(a.line(), what + " must be a string or a string list");
            }
            default -> throw new IllegalStateException(type.name());
        }
    }

    private Match match(Node n, Grammar.Spec spec, Map<String, Object> tags, List<Object> args) throws SieveSyntaxException {
        boolean compares = spec.tags().stream().anyMatch(t -> "match".equals(t.group()));
        if (!compares) return null;
        Comparator comparator = Comparator.ASCII_CASEMAP;
        if (tags.get("comparator") instanceof String name) {
            comparator = Comparator.named(name);
            if (comparator == null) throw new SieveSyntaxException(n.line(), "unknown comparator \"" + name + "\"");
            if (comparator == Comparator.ASCII_NUMERIC) needs("comparator-i;ascii-numeric", n.line(), "comparator " + name);
        }
        MatchType type = MatchType.IS;
        Relation relation = null;
        for (MatchType t : MatchType.values()) {
            if (tags.containsKey(t.name().toLowerCase(Locale.ROOT))) type = t;
        }
        if (type == MatchType.VALUE || type == MatchType.COUNT) {
            String op = (String) tags.get(type.name().toLowerCase(Locale.ROOT));
            relation = Relation.named(op);
            if (relation == null) throw new SieveSyntaxException(n.line(), "unknown relation \"" + op + "\" (gt ge lt le eq ne)");
        }
        if (comparator == Comparator.ASCII_NUMERIC && (type == MatchType.CONTAINS || type == MatchType.MATCHES
                || type == MatchType.REGEX)) {
            throw new SieveSyntaxException(n.line(), "i;ascii-numeric supports only :is, :value and :count");
        }
        List<Pattern> patterns = null;
        List<String> keys = keys(n.name(), args);
        if ((type == MatchType.MATCHES || type == MatchType.REGEX) && keys != null && keys.stream().noneMatch(this::dynamic)) {
            patterns = new ArrayList<>();
            for (String k : keys) {
                try {
                    patterns.add(Match.compile(type, comparator, k));
                } catch (PatternSyntaxException e) {
                    throw new SieveSyntaxException(n.line(), "bad regular expression \"" + k + "\": " + e.getDescription());
                }
            }
        }
        return new Match(comparator, type, relation, patterns);
    }

    /** The key list of a comparing test (the last string list), or null. */
    @SuppressWarnings("unchecked")
    public static List<String> keys(String name, List<Object> args) {
        Object last = args.isEmpty() ? null : args.get(args.size() - 1);
        if (name.equals("deleteheader") && args.size() < 2) return null;
        return last instanceof List<?> l ? (List<String>) l : null;
    }

    private boolean dynamic(String s) {
        return variables && s.contains("${");
    }

    private void semantics(Call c) throws SieveSyntaxException {
        int line = c.line();
        switch (c.name()) {
            case "envelope" -> {
                for (String p : c.strings(0)) {
                    if (!dynamic(p) && !p.equalsIgnoreCase("from") && !p.equalsIgnoreCase("to")) {
                        throw new SieveSyntaxException(line, "unknown envelope part \"" + p + "\" (from, to)");
                    }
                }
            }
            case "date", "currentdate" -> {
                String part = c.string(c.name().equals("date") ? 1 : 0);
                if (!dynamic(part) && !DATE_PARTS.contains(part.toLowerCase(Locale.ROOT))) {
                    throw new SieveSyntaxException(line, "unknown date part \"" + part + "\"");
                }
                String z = c.tagString("zone");
                if (z != null && !dynamic(z) && !ZONE.matcher(z).matches()) {
                    throw new SieveSyntaxException(line, "bad zone \"" + z + "\" (+hhmm or -hhmm)");
                }
            }
            case "size" -> {
                if (!c.has("over") && !c.has("under")) throw new SieveSyntaxException(line, "size needs :over or :under");
            }
            case "set" -> variableName(c.string(0), line);
            case "setflag", "addflag", "removeflag", "hasflag" -> {
                if (c.args().get(0) != null) {
                    @SuppressWarnings("unchecked")
                    List<String> names = c.args().get(0) instanceof List<?> l ? (List<String>) l : List.of(c.string(0));
                    for (String v : names) variableName(v, line);
                }
            }
            case "global" -> {
                for (String v : c.strings(0)) variableName(v, line);
            }
            case "redirect" -> {
                String a = c.string(0);
                if (!dynamic(a) && !plausibleAddress(a)) throw new SieveSyntaxException(line, "bad redirect address \"" + a + "\"");
            }
            case "fileinto" -> mailboxName(c.string(0), line);
            case "mailboxexists" -> {
                for (String m : c.strings(0)) mailboxName(m, line);
            }
            case "addheader", "deleteheader" -> {
                String f = c.string(0);
                if (!dynamic(f) && !FIELD_NAME.matcher(f).matches()) throw new SieveSyntaxException(line, "bad header field name \"" + f + "\"");
            }
            case "include" -> {
                String s = c.string(0);
                if (!dynamic(s) && (s.isEmpty() || s.contains("/") || s.indexOf('\0') >= 0)) {
                    throw new SieveSyntaxException(line, "bad script name \"" + s + "\"");
                }
            }
            default -> { }
        }
        if (c.has("index") && c.tagNumber("index", 0) < 1) throw new SieveSyntaxException(line, ":index must be 1 or more");
        if (c.has("last") && !c.has("index") && (c.name().equals("header") || c.name().equals("address")
                || c.name().equals("date") || c.name().equals("deleteheader"))) {
            throw new SieveSyntaxException(line, ":last needs :index");
        }
    }

    private void variableName(String v, int line) throws SieveSyntaxException {
        if (!VARIABLE_NAME.matcher(v).matches()) throw new SieveSyntaxException(line, "bad variable name \"" + v + "\"");
    }

    private void mailboxName(String m, int line) throws SieveSyntaxException {
        if (dynamic(m)) return;
        if (m.isEmpty()) throw new SieveSyntaxException(line, "empty mailbox name");
        for (int i = 0; i < m.length(); i++) {
            if (m.charAt(i) < 32 || m.charAt(i) == 127) throw new SieveSyntaxException(line, "control character in mailbox name");
        }
    }

    /** local@domain without white space or angle brackets: what a redirect can deliver to. */
    public static boolean plausibleAddress(String a) {
        int at = a.lastIndexOf('@');
        if (at <= 0 || at == a.length() - 1) return false;
        for (int i = 0; i < a.length(); i++) {
            char c = a.charAt(i);
            if (c <= ' ' || c == '<' || c == '>' || c == ',' || c == 127) return false;
        }
        return true;
    }

    private void needs(String extension, int line, String what) throws SieveSyntaxException {
        if (extension != null && !required.contains(extension)) {
            throw new SieveSyntaxException(line, what + " needs require \"" + extension + "\"");
        }
    }

    /**
     * RFC 5228 section 2.4.2.4 (encoded-character): {@code ${hex:48 69}} and {@code ${unicode:263A}} stand for the
     * characters they name; a malformed sequence stays as written, a code point that is no character is an error.
     */
    private String decode(String s, int line) throws SieveSyntaxException {
        if (!required.contains("encoded-character") || !s.contains("${")) return s;
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            int start = s.indexOf("${", i);
            if (start < 0) break;
            out.append(s, i, start);
            int close = s.indexOf('}', start);
            int colon = s.indexOf(':', start);
            String kind = colon > start && close > colon ? s.substring(start + 2, colon).toLowerCase(Locale.ROOT) : "";
            String decoded = null;
            if (kind.equals("hex") || kind.equals("unicode")) decoded = encoded(kind, s.substring(colon + 1, close), line);
            if (decoded == null) {
                out.append("${");
                i = start + 2;
            } else {
                out.append(decoded);
                i = close + 1;
            }
        }
        out.append(s.substring(i));
        return out.toString();
    }

    private static String encoded(String kind, String body, int line) throws SieveSyntaxException {
        String[] items = body.trim().split("[ \t\r\n]+");
        if (body.isBlank()) return "";
        if (kind.equals("hex")) {
            byte[] bytes = new byte[items.length];
            for (int i = 0; i < items.length; i++) {
                if (!items[i].matches("[0-9A-Fa-f]{1,2}")) return null;
                bytes[i] = (byte) Integer.parseInt(items[i], 16);
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
        StringBuilder b = new StringBuilder();
        for (String item : items) {
            if (!item.matches("[0-9A-Fa-f]{1,8}")) return null;
            long cp = Long.parseLong(item, 16);
            if (cp > 0x10FFFF || cp >= 0xD800 && cp <= 0xDFFF) {
                throw new SieveSyntaxException(line, "${unicode:" + item + "} is no Unicode character");
            }
            b.appendCodePoint((int) cp);
        }
        return b.toString();
    }
}
