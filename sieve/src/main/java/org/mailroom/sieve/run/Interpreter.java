package org.mailroom.sieve.run;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.mailroom.sieve.SieveEnvironment;
import org.mailroom.sieve.SieveMessage;
import org.mailroom.sieve.SieveOutcome;
import org.mailroom.sieve.SieveSyntaxException;
import org.mailroom.sieve.script.Call;
import org.mailroom.sieve.script.Checker;
import org.mailroom.sieve.script.Program;
import org.mailroom.sieve.syntax.Parser;

/**
 * Runs a checked script against one message for one recipient: the control commands (if, stop, include), the
 * actions and the header edits; the tests are {@link Tests}', the variables {@link Variables}', the flags
 * {@link Flags}'. One instance per run (not thread-safe); the {@link Program} is shared. Everything the run can
 * cost is bounded: actions and redirects (the environment's limits), include depth and count, variable count and
 * length, and the regex work ({@link Budget}).
 */
public final class Interpreter {

    static final int MAX_INCLUDE_DEPTH = 10;
    static final int MAX_INCLUDES = 50;
    private static final Pattern FIELD_NAME = Pattern.compile("[!-9;-~]+");
    /** RFC 5293 section 6: these trace and loop-prevention fields are not for scripts to change. */
    private static final Set<String> PROTECTED = Set.of("received", "auto-submitted");

    enum Flow { NEXT, STOP, RETURN }

    final SieveMessage message;
    final SieveEnvironment env;
    final MessageView view;
    final Variables variables = new Variables();
    private final Matching matching = new Matching(variables);
    private final Flags flags = new Flags(variables);
    private final Tests tests;
    private final Actions actions;
    private final Map<String, Program> includes = new HashMap<>();
    private final Set<String> included = new HashSet<>();
    private final Deque<String> includeStack = new ArrayDeque<>();
    private int includeCount;

    private Interpreter(SieveMessage message, SieveEnvironment env) {
        this.message = message;
        this.env = env;
        this.view = new MessageView(message);
        this.tests = new Tests(message, env, view, variables, matching, flags);
        this.actions = new Actions(env.maxActions(), env.maxRedirects());
    }

    /** Never throws: any failure becomes {@link SieveOutcome#failed} (the implicit keep, RFC 5228 section 2.10.6). */
    public static SieveOutcome run(Program program, SieveMessage message, SieveEnvironment env) {
        try {
            Interpreter in = new Interpreter(message, env);
            in.includeStack.push("personal:" + program.name());
            in.execute(program.commands(), new Frame(program));
            return in.actions.outcome(in.flags.internal());
        } catch (SieveRuntimeException e) {
            return SieveOutcome.failed(e.getMessage());
        } catch (StackOverflowError e) {
            return SieveOutcome.failed("the script nests too deeply to run");
        } catch (Throwable e) { // a run must never lose a message: whatever went wrong, keep it
            return SieveOutcome.failed("internal error: " + e);
        }
    }

    private Flow execute(List<Call> block, Frame f) {
        boolean taken = false; // whether the current if/elsif chain ran a branch
        for (Call c : block) {
            Flow flow;
            switch (c.name()) {
                case "if" -> {
                    taken = tests.test(c.tests().get(0), f);
                    flow = taken ? execute(c.block(), f) : Flow.NEXT;
                }
                case "elsif" -> {
                    if (taken) {
                        flow = Flow.NEXT;
                    } else {
                        taken = tests.test(c.tests().get(0), f);
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
            case "keep" -> actions.keep(flags.forAction(c, f), line);
            case "discard" -> actions.discard();
            case "redirect" -> {
                String to = variables.expand(c.string(0), f);
                if (!Checker.plausibleAddress(to)) throw new SieveRuntimeException(line, "bad redirect address \"" + to + "\"");
                actions.redirect(to, c.has("copy"), line);
            }
            case "fileinto" -> {
                String mailbox = variables.expand(c.string(0), f);
                if (mailbox.isEmpty() || mailbox.chars().anyMatch(ch -> ch < 32)) {
                    throw new SieveRuntimeException(line, "bad mailbox name \"" + mailbox + "\"");
                }
                actions.fileInto(mailbox, flags.forAction(c, f), c.has("create"), c.has("copy"), line);
            }
            case "reject", "ereject" -> actions.reject(variables.expand(c.string(0), f), c.name().equals("ereject"), line);
            case "vacation" -> {
                actions.vacationCommand(line);
                Vacation.decide(this, c, f).ifPresent(v -> actions.vacation(v, line));
            }
            case "set" -> variables.set(c, f);
            case "setflag", "addflag", "removeflag" -> flags.command(c, f);
            case "addheader" -> addHeader(c, f);
            case "deleteheader" -> deleteHeader(c, f);
            case "include" -> {
                return include(c, f);
            }
            case "global" -> variables.declareGlobals(c, f);
            default -> throw new SieveRuntimeException(line, "command " + c.name() + " cannot run here");
        }
        return Flow.NEXT;
    }

    private void addHeader(Call c, Frame f) {
        String name = variables.expand(c.string(0), f);
        String value = variables.expand(c.string(1), f).replaceAll("\r?\n[ \t]*", " ");
        if (!FIELD_NAME.matcher(name).matches()) throw new SieveRuntimeException(c.line(), "bad header field name \"" + name + "\"");
        if (value.length() > 8192) throw new SieveRuntimeException(c.line(), "header value too long");
        if (PROTECTED.contains(name.toLowerCase(Locale.ROOT))) return;
        view.add(name, value, c.has("last"));
        actions.edit(new SieveOutcome.HeaderEdit(true, name, value, c.has("last"), 0, false, List.of()));
    }

    private void deleteHeader(Call c, Frame f) {
        String name = variables.expand(c.string(0), f);
        if (PROTECTED.contains(name.toLowerCase(Locale.ROOT))) return;
        List<MessageView.Field> candidates = Tests.select(view.fields(name), c);
        boolean patterns = c.args().size() > 1;
        List<String> removedValues = new ArrayList<>();
        boolean any = false;
        for (MessageView.Field field : candidates) {
            if (patterns && !matching.compare(c, f, List.of(field.decoded()), c.strings(1))) continue;
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
        String name = variables.expand(c.string(0), f);
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
}
