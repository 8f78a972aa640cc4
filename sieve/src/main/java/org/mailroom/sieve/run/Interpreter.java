package org.mailroom.sieve.run;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.mailroom.sieve.SieveEnvironment;
import org.mailroom.sieve.SieveMessage;
import org.mailroom.sieve.SieveOutcome;
import org.mailroom.sieve.SieveSyntaxException;
import org.mailroom.sieve.script.Call;
import org.mailroom.sieve.script.Checker;
import org.mailroom.sieve.script.Match;
import org.mailroom.sieve.script.MatchType;
import org.mailroom.sieve.script.Program;
import org.mailroom.sieve.syntax.Parser;

/**
 * Runs a checked script against one message for one recipient. One instance per run (not thread-safe); the
 * {@link Program} is shared. Everything the run can cost is bounded: actions and redirects (the environment's
 * limits), include depth and count, variable count and length, and the regex work ({@link Budget}).
 */
public final class Interpreter {

    static final int MAX_INCLUDE_DEPTH = 10;
    static final int MAX_INCLUDES = 50;
    static final int MAX_VARIABLES = 1000;
    static final int MAX_VALUE = 1 << 20;
    /** RFC 7352 leaves the default period of duplicate to the implementation. */
    static final Duration DUPLICATE_DEFAULT = Duration.ofDays(7);
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");
    private static final Pattern FIELD_NAME = Pattern.compile("[!-9;-~]+");
    /** RFC 5293 section 6: these trace and loop-prevention fields are not for scripts to change. */
    private static final Set<String> PROTECTED = Set.of("received", "auto-submitted");

    enum Flow { NEXT, STOP, RETURN }

    /** The variables of one script (RFC 6609: each included script has its own, plus the declared globals). */
    static final class Frame {
        final Program program;
        final boolean variables;
        final Map<String, String> locals = new HashMap<>();
        final Set<String> globalNames = new HashSet<>();
        List<String> matchVariables = List.of();

        Frame(Program program) {
            this.program = program;
            this.variables = program.variables();
        }
    }

    final SieveMessage message;
    final SieveEnvironment env;
    final MessageView view;
    private final Actions actions;
    private final Budget budget = new Budget(Budget.DEFAULT);
    private final Map<String, String> globals = new HashMap<>();
    private final Map<String, Program> includes = new HashMap<>();
    private final Set<String> included = new HashSet<>();
    private final Deque<String> includeStack = new ArrayDeque<>();
    private final Map<String, Pattern> dynamicPatterns = new HashMap<>();
    private String internalFlags = "";
    private int includeCount;
    private int variableCount;

    private Interpreter(SieveMessage message, SieveEnvironment env) {
        this.message = message;
        this.env = env;
        this.view = new MessageView(message);
        this.actions = new Actions(env.maxActions(), env.maxRedirects());
    }

    /** Never throws: any failure becomes {@link SieveOutcome#failed} (the implicit keep, RFC 5228 section 2.10.6). */
    public static SieveOutcome run(Program program, SieveMessage message, SieveEnvironment env) {
        try {
            Interpreter in = new Interpreter(message, env);
            in.includeStack.push("personal:" + program.name());
            in.execute(program.commands(), new Frame(program));
            return in.actions.outcome(flagSet(in.internalFlags));
        } catch (SieveRuntimeException e) {
            return SieveOutcome.failed(e.getMessage());
        } catch (StackOverflowError e) {
            return SieveOutcome.failed("the script nests too deeply to run");
        } catch (Throwable e) { // a run must never lose a message: whatever went wrong, keep it
            return SieveOutcome.failed("internal error: " + e);
        }
    }

    // ---- commands

    Flow execute(List<Call> block, Frame f) {
        boolean taken = false; // whether the current if/elsif chain ran a branch
        for (Call c : block) {
            Flow flow;
            switch (c.name()) {
                case "if" -> {
                    taken = test(c.tests().get(0), f);
                    flow = taken ? execute(c.block(), f) : Flow.NEXT;
                }
                case "elsif" -> {
                    if (taken) {
                        flow = Flow.NEXT;
                    } else {
                        taken = test(c.tests().get(0), f);
                        flow = taken ? execute(c.block(), f) : Flow.NEXT;
                    }
                }
                case "else" -> flow = taken ? Flow.NEXT : execute(c.block(), f);
                default -> flow = command(c, f);
            }
            if (flow != Flow.NEXT) return flow;
        }
        return Flow.NEXT;
    }

    private Flow command(Call c, Frame f) {
        int line = c.line();
        switch (c.name()) {
            case "stop" -> {
                return Flow.STOP;
            }
            case "return" -> {
                return Flow.RETURN;
            }
            case "keep" -> actions.keep(actionFlags(c, f), line);
            case "discard" -> actions.discard();
            case "redirect" -> {
                String to = expand(c.string(0), f);
                if (!Checker.plausibleAddress(to)) throw new SieveRuntimeException(line, "bad redirect address \"" + to + "\"");
                actions.redirect(to, c.has("copy"), line);
            }
            case "fileinto" -> {
                String mailbox = expand(c.string(0), f);
                if (mailbox.isEmpty() || mailbox.chars().anyMatch(ch -> ch < 32)) {
                    throw new SieveRuntimeException(line, "bad mailbox name \"" + mailbox + "\"");
                }
                actions.fileInto(mailbox, actionFlags(c, f), c.has("create"), c.has("copy"), line);
            }
            case "reject", "ereject" -> actions.reject(expand(c.string(0), f), c.name().equals("ereject"), line);
            case "vacation" -> {
                actions.vacationCommand(line);
                Vacation.decide(this, c, f).ifPresent(v -> actions.vacation(v, line));
            }
            case "set" -> set(c, f);
            case "setflag", "addflag", "removeflag" -> flagCommand(c, f);
            case "addheader" -> addHeader(c, f);
            case "deleteheader" -> deleteHeader(c, f);
            case "include" -> {
                return include(c, f);
            }
            case "global" -> {
                for (String name : c.strings(0)) f.globalNames.add(name.toLowerCase(Locale.ROOT));
            }
            default -> throw new SieveRuntimeException(line, "command " + c.name() + " cannot run here");
        }
        return Flow.NEXT;
    }

    /** RFC 5229 section 4: modifiers apply by precedence, case first, then first letter, quoting, length. */
    private void set(Call c, Frame f) {
        String v = expand(c.string(1), f);
        if (c.has("lower")) v = v.toLowerCase(Locale.ROOT);
        if (c.has("upper")) v = v.toUpperCase(Locale.ROOT);
        if (c.has("lowerfirst") && !v.isEmpty()) v = v.substring(0, 1).toLowerCase(Locale.ROOT) + v.substring(1);
        if (c.has("upperfirst") && !v.isEmpty()) v = v.substring(0, 1).toUpperCase(Locale.ROOT) + v.substring(1);
        if (c.has("quotewildcard")) v = v.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?");
        if (c.has("quoteregex")) v = v.replaceAll("([\\\\^$.|?*+()\\[\\]{}])", "\\\\$1");
        if (c.has("length")) v = Integer.toString(v.codePointCount(0, v.length()));
        setVariable(f, c.string(0), v, c.line());
    }

    private void flagCommand(Call c, Frame f) {
        String variable = (String) c.args().get(0);
        Set<String> given = flagSet(expandAll(c.strings(1), f));
        Set<String> current = flagSet(variable == null ? internalFlags : variable(f, variable));
        Set<String> result = switch (c.name()) {
            case "setflag" -> given;
            case "addflag" -> {
                for (String g : given) if (current.stream().noneMatch(x -> x.equalsIgnoreCase(g))) current.add(g);
                yield current;
            }
            default -> {
                current.removeIf(x -> given.stream().anyMatch(g -> g.equalsIgnoreCase(x)));
                yield current;
            }
        };
        String value = String.join(" ", result);
        if (variable == null) internalFlags = value;
        else setVariable(f, variable, value, c.line());
    }

    private Set<String> actionFlags(Call c, Frame f) {
        if (c.has("flags")) return flagSet(expandAll(c.tagStrings("flags"), f));
        return flagSet(internalFlags);
    }

    private void addHeader(Call c, Frame f) {
        String name = expand(c.string(0), f);
        String value = expand(c.string(1), f).replaceAll("\r?\n[ \t]*", " ");
        if (!FIELD_NAME.matcher(name).matches()) throw new SieveRuntimeException(c.line(), "bad header field name \"" + name + "\"");
        if (value.length() > 8192) throw new SieveRuntimeException(c.line(), "header value too long");
        if (PROTECTED.contains(name.toLowerCase(Locale.ROOT))) return;
        view.add(name, value, c.has("last"));
        actions.edit(new SieveOutcome.HeaderEdit(true, name, value, c.has("last"), 0, false, List.of()));
    }

    private void deleteHeader(Call c, Frame f) {
        String name = expand(c.string(0), f);
        if (PROTECTED.contains(name.toLowerCase(Locale.ROOT))) return;
        List<MessageView.Field> candidates = select(view.fields(name), c);
        boolean patterns = c.args().size() > 1;
        List<String> removedValues = new ArrayList<>();
        boolean any = false;
        for (MessageView.Field field : candidates) {
            if (patterns && !compare(c, f, List.of(field.decoded()), c.strings(1))) continue;
            view.remove(field);
            removedValues.add(field.value);
            any = true;
        }
        if (any) {
            actions.edit(new SieveOutcome.HeaderEdit(false, name, null, false, (int) c.tagNumber("index", 0),
                    c.has("last"), patterns ? removedValues : List.of()));
        }
    }

    private Flow include(Call c, Frame f) {
        boolean global = c.has("global");
        String name = expand(c.string(0), f);
        if (name.isEmpty() || name.contains("/")) throw new SieveRuntimeException(c.line(), "bad script name \"" + name + "\"");
        String key = (global ? "global:" : "personal:") + name;
        if (c.has("once") && included.contains(key)) return Flow.NEXT;
        if (includeStack.contains(key)) throw new SieveRuntimeException(c.line(), "include loop: " + name + " includes itself");
        if (includeStack.size() > MAX_INCLUDE_DEPTH) {
            throw new SieveRuntimeException(c.line(), "includes nested more than " + MAX_INCLUDE_DEPTH + " deep");
        }
        if (++includeCount > MAX_INCLUDES) throw new SieveRuntimeException(c.line(), "more than " + MAX_INCLUDES + " includes in one run");
        Program p = includes.get(key);
        if (p == null) {
            Optional<String> text = env.includedScript(global, name);
            if (text.isEmpty()) {
                if (c.has("optional")) return Flow.NEXT;
                throw new SieveRuntimeException(c.line(), "included script " + name + " does not exist");
            }
            try {
                p = Checker.check(name, Parser.parse(text.get()));
            } catch (SieveSyntaxException e) {
                throw new SieveRuntimeException(c.line(), "included script " + name + " does not compile: " + e.getMessage());
            }
            includes.put(key, p);
        }
        included.add(key);
        includeStack.push(key);
        Flow flow = execute(p.commands(), new Frame(p));
        includeStack.pop();
        return flow == Flow.STOP ? Flow.STOP : Flow.NEXT;
    }

    // ---- tests

    boolean test(Call t, Frame f) {
        switch (t.name()) {
            case "true":
                return true;
            case "false":
                return false;
            case "not":
                return !test(t.tests().get(0), f);
            case "anyof":
                for (Call x : t.tests()) if (test(x, f)) return true;
                return false;
            case "allof":
                for (Call x : t.tests()) if (!test(x, f)) return false;
                return true;
            case "exists":
                for (String name : expandAll(t.strings(0), f)) if (view.first(name) == null) return false;
                return true;
            case "size": {
                long limit = (Long) t.args().get(0);
                return t.has("over") ? message.size() > limit : message.size() < limit;
            }
            case "header": {
                List<String> values = new ArrayList<>();
                for (String name : expandAll(t.strings(0), f)) {
                    for (MessageView.Field x : select(view.fields(name), t)) values.add(x.decoded());
                }
                return compare(t, f, values, t.strings(1));
            }
            case "address": {
                List<String> values = new ArrayList<>();
                for (String name : expandAll(t.strings(0), f)) {
                    for (MessageView.Field x : select(view.fields(name), t)) {
                        for (String a : x.addresses()) addPart(values, t, a);
                    }
                }
                return compare(t, f, values, t.strings(1));
            }
            case "envelope": {
                List<String> values = new ArrayList<>();
                for (String part : expandAll(t.strings(0), f)) {
                    String p = part.toLowerCase(Locale.ROOT);
                    if (p.equals("from")) addPart(values, t, message.envelopeFrom());
                    else if (p.equals("to")) addPart(values, t, message.envelopeTo());
                    else throw new SieveRuntimeException(t.line(), "unknown envelope part \"" + part + "\"");
                }
                return compare(t, f, values, t.strings(1));
            }
            case "string": {
                List<String> values = expandAll(t.strings(0), f);
                if (t.match().type() == MatchType.COUNT) values = values.stream().filter(v -> !v.isEmpty()).toList();
                return compare(t, f, values, t.strings(1));
            }
            case "hasflag": {
                Set<String> flags = new LinkedHashSet<>();
                if (t.args().get(0) == null) flags.addAll(flagSet(internalFlags));
                else for (String v : t.strings(0)) flags.addAll(flagSet(variable(f, v)));
                List<String> keys = new ArrayList<>(flagSet(expandAll(t.strings(1), f)));
                return compareExpanded(t, f, new ArrayList<>(flags), keys);
            }
            case "body": {
                BodyText body = view.body();
                List<String> values = t.has("raw") ? List.of(body.raw())
                        : t.has("content") ? body.content(expandAll(t.tagStrings("content"), f)) : body.text();
                return compare(t, f, values, t.strings(0));
            }
            case "date": {
                List<MessageView.Field> fields = select(view.fields(expand(t.string(0), f)), t);
                if (fields.isEmpty()) return false;
                String value = fields.get(0).decoded();
                if (t.string(0).equalsIgnoreCase("received")) value = value.substring(value.lastIndexOf(';') + 1);
                ZonedDateTime d = Dates.parse(value);
                if (d == null) return false;
                if (!t.has("originalzone")) d = d.withZoneSameInstant(zone(t, f));
                return compare(t, f, List.of(datePart(d, expand(t.string(1), f), t)), t.strings(2));
            }
            case "currentdate": {
                ZonedDateTime now = env.now().withZoneSameInstant(zone(t, f));
                return compare(t, f, List.of(datePart(now, expand(t.string(0), f), t)), t.strings(1));
            }
            case "mailboxexists":
                for (String m : expandAll(t.strings(0), f)) if (!env.mailboxExists(m)) return false;
                return true;
            case "duplicate":
                return duplicate(t, f);
            default:
                throw new SieveRuntimeException(t.line(), "test " + t.name() + " cannot run here");
        }
    }

    /** RFC 7352: the key is the handle and the unique id (Message-ID by default); no id, no duplicate. */
    private boolean duplicate(Call t, Frame f) {
        String id;
        if (t.has("uniqueid")) {
            id = expand(t.tagString("uniqueid"), f);
        } else {
            String field = t.has("header") ? expand(t.tagString("header"), f) : "Message-ID";
            id = view.first(field);
            if (id == null) return false;
        }
        String handle = t.has("handle") ? expand(t.tagString("handle"), f) : "";
        long seconds = t.tagNumber("seconds", DUPLICATE_DEFAULT.toSeconds());
        return env.seenBefore("duplicate:" + handle.length() + ":" + handle + ":" + id.strip(),
                Duration.ofSeconds(Math.min(seconds, Duration.ofDays(365).toSeconds())));
    }

    private ZoneId zone(Call t, Frame f) {
        if (!t.has("zone")) return env.now().getZone();
        String z = expand(t.tagString("zone"), f);
        ZoneId id = Dates.zone(z);
        if (id == null) throw new SieveRuntimeException(t.line(), "bad zone \"" + z + "\"");
        return id;
    }

    private static String datePart(ZonedDateTime d, String part, Call t) {
        if (!Checker.DATE_PARTS.contains(part.toLowerCase(Locale.ROOT))) {
            throw new SieveRuntimeException(t.line(), "unknown date part \"" + part + "\"");
        }
        return Dates.part(d, part);
    }

    private static void addPart(List<String> values, Call t, String address) {
        String v = t.has("localpart") ? Addresses.localPart(address)
                : t.has("domain") ? Addresses.domain(address)
                : t.has("user") ? Addresses.user(address)
                : t.has("detail") ? Addresses.detail(address)
                : address;
        if (v != null) values.add(v);
    }

    /** RFC 5260 section 6 (index): the :index-th occurrence, counted from the end with :last. */
    private static List<MessageView.Field> select(List<MessageView.Field> fields, Call t) {
        if (!t.has("index")) return fields;
        long i = t.tagNumber("index", 1);
        if (i > fields.size()) return List.of();
        return List.of(fields.get(t.has("last") ? fields.size() - (int) i : (int) i - 1));
    }

    // ---- matching

    boolean compare(Call t, Frame f, List<String> values, List<String> keys) {
        return compareExpanded(t, f, values, expandAll(keys, f));
    }

    private boolean compareExpanded(Call t, Frame f, List<String> values, List<String> keys) {
        Match m = t.match();
        switch (m.type()) {
            case COUNT -> {
                String n = Integer.toString(values.size());
                for (String k : keys) if (m.relation().holds(m.comparator().compare(n, k))) return true;
                return false;
            }
            case VALUE -> {
                for (String v : values) for (String k : keys) if (m.relation().holds(m.comparator().compare(v, k))) return true;
                return false;
            }
            case IS -> {
                for (String v : values) for (String k : keys) if (m.comparator().equal(v, k)) return true;
                return false;
            }
            case CONTAINS -> {
                for (String v : values) for (String k : keys) if (m.comparator().contains(v, k)) return true;
                return false;
            }
            default -> {
                try {
                    for (int i = 0; i < keys.size(); i++) {
                        Pattern p = m.patterns() != null ? m.patterns().get(i) : pattern(m, keys.get(i), t);
                        for (String v : values) {
                            Matcher x = p.matcher(budget.text(v));
                            if (m.type() == MatchType.REGEX ? x.find() : x.matches()) {
                                if (f.variables) f.matchVariables = groups(x);
                                return true;
                            }
                        }
                    }
                    return false;
                } catch (Budget.Exhausted e) {
                    throw new SieveRuntimeException(t.line(), e.getMessage());
                }
            }
        }
    }

    private Pattern pattern(Match m, String key, Call t) {
        String cacheKey = m.type() + "/" + m.comparator() + "/" + key;
        Pattern p = dynamicPatterns.get(cacheKey);
        if (p == null) {
            try {
                p = Match.compile(m.type(), m.comparator(), key);
            } catch (PatternSyntaxException e) {
                throw new SieveRuntimeException(t.line(), "bad regular expression \"" + key + "\"");
            }
            if (dynamicPatterns.size() < 100) dynamicPatterns.put(cacheKey, p);
        }
        return p;
    }

    /** ${0} is the whole match, ${1}... the wildcards or groups (RFC 5229 section 3.2); only 0 to 9 are kept. */
    private static List<String> groups(Matcher x) {
        int n = Math.min(x.groupCount(), 9);
        List<String> out = new ArrayList<>(n + 1);
        for (int g = 0; g <= n; g++) {
            String s = x.group(g);
            out.add(s == null ? "" : s);
        }
        return out;
    }

    // ---- variables (RFC 5229)

    String expand(String s, Frame f) {
        if (!f.variables || s.indexOf("${") < 0) return s;
        StringBuilder out = new StringBuilder(s.length() + 16);
        int i = 0;
        while (i < s.length()) {
            int start = s.indexOf("${", i);
            if (start < 0) break;
            out.append(s, i, start);
            int close = s.indexOf('}', start + 2);
            String name = close < 0 ? null : s.substring(start + 2, close);
            if (name != null && DIGITS.matcher(name).matches()) {
                int n = Integer.parseInt(name.length() > 3 ? "999" : name);
                out.append(n < f.matchVariables.size() ? f.matchVariables.get(n) : "");
                i = close + 1;
            } else if (name != null && VARIABLE.matcher(name).matches()) {
                out.append(variable(f, name));
                i = close + 1;
            } else {
                out.append("${");
                i = start + 2;
            }
            if (out.length() > MAX_VALUE) throw new SieveRuntimeException(0, "a string grew beyond " + MAX_VALUE + " characters");
        }
        out.append(s, i, s.length());
        return out.toString();
    }

    List<String> expandAll(List<String> list, Frame f) {
        if (!f.variables) return list;
        List<String> out = new ArrayList<>(list.size());
        for (String s : list) out.add(expand(s, f));
        return out;
    }

    private String variable(Frame f, String name) {
        String n = name.toLowerCase(Locale.ROOT);
        String v;
        if (n.startsWith("global.")) v = globals.get(n.substring(7));
        else if (f.globalNames.contains(n)) v = globals.get(n);
        else v = f.locals.get(n);
        return v == null ? "" : v;
    }

    private void setVariable(Frame f, String name, String value, int line) {
        if (value.length() > MAX_VALUE) throw new SieveRuntimeException(line, "a variable grew beyond " + MAX_VALUE + " characters");
        String n = name.toLowerCase(Locale.ROOT);
        Map<String, String> scope = f.locals;
        if (n.startsWith("global.")) {
            scope = globals;
            n = n.substring(7);
        } else if (f.globalNames.contains(n)) {
            scope = globals;
        }
        if (scope.put(n, value) == null && ++variableCount > MAX_VARIABLES) {
            throw new SieveRuntimeException(line, "more than " + MAX_VARIABLES + " variables");
        }
    }

    /** A flag list (RFC 5232 section 3): flags separated by spaces, duplicates (any case) dropped. */
    static Set<String> flagSet(String list) {
        return flagSet(List.of(list));
    }

    static Set<String> flagSet(List<String> lists) {
        Set<String> out = new LinkedHashSet<>();
        for (String l : lists) {
            for (String flag : l.trim().split("\\s+")) {
                if (!flag.isEmpty() && out.stream().noneMatch(x -> x.equalsIgnoreCase(flag))) out.add(flag);
            }
        }
        return out;
    }
}
