package org.mailroom.sieve.run;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.mailroom.sieve.script.Call;
import org.mailroom.sieve.script.Match;
import org.mailroom.sieve.script.MatchType;

/**
 * Whether a test's values match its keys, by its match type and comparator (RFC 5228 section 2.7, RFC 5231
 * relational, regex); a match sets ${0} to ${9} (RFC 5229 section 3.2). Wildcard and regex matching
 * read their subject through the run's {@link Budget}.
 */
final class Matching {

    /** Patterns built from keys that held variables, kept for the rest of the run up to this many. */
    private static final int MAX_CACHED_PATTERNS = 100;

    private final Variables variables;
    private final Budget budget = new Budget(Budget.DEFAULT);
    private final Map<String, Pattern> dynamicPatterns = new HashMap<>();

    Matching(Variables variables) {
        this.variables = variables;
    }

    /** The keys are expanded first (RFC 5229 section 3). */
    boolean compare(Call t, Frame f, List<String> values, List<String> keys) {
        return compareExpanded(t, f, values, variables.expandAll(keys, f));
    }

    boolean compareExpanded(Call t, Frame f, List<String> values, List<String> keys) {
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
            if (dynamicPatterns.size() < MAX_CACHED_PATTERNS) dynamicPatterns.put(cacheKey, p);
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
}
