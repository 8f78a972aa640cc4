package org.mailroom.sieve.run;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.mailroom.sieve.script.Call;

/**
 * The variables of one run (RFC 5229): "${...}" in strings, the set and global commands, and the globals every
 * included script shares (RFC 6609). Their number and length are bounded, so a script cannot grow the run's
 * memory without end.
 */
final class Variables {

    static final int MAX_VARIABLES = 1000;
    static final int MAX_VALUE = 1 << 20;
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");

    private final Map<String, String> globals = new HashMap<>();
    private int count;

    /** RFC 5229 section 3: a name or a match number in "${...}" is replaced; anything else stays as it is. */
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
                out.append(get(f, name));
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

    /** The value, "" for a variable never set. */
    String get(Frame f, String name) {
        String n = name.toLowerCase(Locale.ROOT);
        String v;
        if (n.startsWith("global.")) v = globals.get(n.substring(7));
        else if (f.globalNames.contains(n)) v = globals.get(n);
        else v = f.locals.get(n);
        return v == null ? "" : v;
    }

    void set(Frame f, String name, String value, int line) {
        if (value.length() > MAX_VALUE) throw new SieveRuntimeException(line, "a variable grew beyond " + MAX_VALUE + " characters");
        String n = name.toLowerCase(Locale.ROOT);
        Map<String, String> scope = f.locals;
        if (n.startsWith("global.")) {
            scope = globals;
            n = n.substring(7);
        } else if (f.globalNames.contains(n)) {
            scope = globals;
        }
        if (scope.put(n, value) == null && ++count > MAX_VARIABLES) {
            throw new SieveRuntimeException(line, "more than " + MAX_VARIABLES + " variables");
        }
    }

    /**
     * The set command. RFC 5229 section 4: modifiers apply by precedence, case first, then first letter, quoting,
     * length.
     */
    void set(Call c, Frame f) {
        String v = expand(c.string(1), f);
        if (c.has("lower")) v = v.toLowerCase(Locale.ROOT);
        if (c.has("upper")) v = v.toUpperCase(Locale.ROOT);
        if (c.has("lowerfirst") && !v.isEmpty()) v = v.substring(0, 1).toLowerCase(Locale.ROOT) + v.substring(1);
        if (c.has("upperfirst") && !v.isEmpty()) v = v.substring(0, 1).toUpperCase(Locale.ROOT) + v.substring(1);
        if (c.has("quotewildcard")) v = v.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?");
        if (c.has("quoteregex")) v = v.replaceAll("([\\\\^$.|?*+()\\[\\]{}])", "\\\\$1");
        if (c.has("length")) v = Integer.toString(v.codePointCount(0, v.length()));
        set(f, c.string(0), v, c.line());
    }

    /** The global command (RFC 6609 section 3.5): these names are the run's globals in this script. */
    void declareGlobals(Call c, Frame f) {
        for (String name : c.strings(0)) f.globalNames.add(name.toLowerCase(Locale.ROOT));
    }
}
