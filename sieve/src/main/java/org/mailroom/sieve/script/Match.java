package org.mailroom.sieve.script;

import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The comparator, match type and relation of one test, with the key patterns compiled once when the keys are
 * literal ({@code patterns} null when they hold variables and are compiled at run time).
 */
public record Match(Comparator comparator, MatchType type, Relation relation, List<Pattern> patterns) {

    public static final Match DEFAULT = new Match(Comparator.ASCII_CASEMAP, MatchType.IS, null, null);

    /**
     * The pattern for a :matches key (RFC 5228 section 2.7.1: "*" any sequence, "?" one character, "\" quotes
     * the next) or a :regex key. Each wildcard is a group, so its text becomes a match variable (RFC 5229
     * section 3.2); wildcards take as little as they can, left to right, and the last takes the rest.
     *
     * @throws PatternSyntaxException for a bad regular expression
     */
    public static Pattern compile(MatchType type, Comparator comparator, String key) {
        int flags = comparator == Comparator.ASCII_CASEMAP ? Pattern.CASE_INSENSITIVE : 0;
        if (type == MatchType.REGEX) return Pattern.compile(key, flags);
        StringBuilder re = new StringBuilder(key.length() + 16);
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '\\' && i + 1 < key.length()) {
                literal.append(key.charAt(++i));
            } else if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(c == '*' ? "(.*?)" : "(.)");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) re.append(Pattern.quote(literal.toString()));
        return Pattern.compile(re.toString(), flags | Pattern.DOTALL);
    }
}
