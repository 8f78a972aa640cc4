package org.mailroom.sieve.run;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.mailroom.sieve.script.Call;

/**
 * The IMAP flags of a run (RFC 5232): the internal variable that keep and fileinto use when they name no
 * :flags, the setflag, addflag and removeflag commands on it or on a named variable, and what hasflag tests.
 */
final class Flags {

    private final Variables variables;
    private String internal = "";

    Flags(Variables variables) {
        this.variables = variables;
    }

    /** setflag, addflag or removeflag; flags compare without case. */
    void command(Call c, Frame f) {
        String variable = (String) c.args().get(0);
        Set<String> given = parse(variables.expandAll(c.strings(1), f));
        Set<String> current = parse(variable == null ? internal : variables.get(f, variable));
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
        if (variable == null) internal = value;
        else variables.set(f, variable, value, c.line());
    }

    /** The flags of a keep or fileinto: its :flags, else the internal variable's. */
    Set<String> forAction(Call c, Frame f) {
        if (c.has("flags")) return parse(variables.expandAll(c.tagStrings("flags"), f));
        return parse(internal);
    }

    /** What hasflag compares: the flags in the named variables, or in the internal one. */
    List<String> held(Call t, Frame f) {
        Set<String> flags = new LinkedHashSet<>();
        if (t.args().get(0) == null) flags.addAll(parse(internal));
        else for (String v : t.strings(0)) flags.addAll(parse(variables.get(f, v)));
        return new ArrayList<>(flags);
    }

    /** The internal variable's flags at the end of the run: the implicit keep's. */
    Set<String> internal() {
        return parse(internal);
    }

    /** A flag list (RFC 5232 section 3): flags separated by spaces, duplicates (any case) dropped. */
    static Set<String> parse(String list) {
        return parse(List.of(list));
    }

    static Set<String> parse(List<String> lists) {
        Set<String> out = new LinkedHashSet<>();
        for (String l : lists) {
            for (String flag : l.trim().split("\\s+")) {
                if (!flag.isEmpty() && out.stream().noneMatch(x -> x.equalsIgnoreCase(flag))) out.add(flag);
            }
        }
        return out;
    }
}
