package org.mailroom.sieve.script;

import java.util.List;
import java.util.Map;

/**
 * A checked command or test: the name (lower case), the tagged arguments by tag (a {@link Boolean} for a tag
 * without argument, else a {@link Long}, a {@link String} or a {@code List<String>}), the positional arguments in
 * order ({@code Long}, {@code String} or {@code List<String>}), the tests, the block, and the match settings of a
 * test that compares. Immutable.
 */
public record Call(String name, Map<String, Object> tags, List<Object> args, List<Call> tests, List<Call> block,
                   Match match, int line) {

    public Call {
        tags = Map.copyOf(tags);
        args = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(args)); // an omitted optional argument is null
        tests = List.copyOf(tests);
        block = block == null ? null : List.copyOf(block);
    }

    public boolean has(String tag) {
        return tags.containsKey(tag);
    }

    public String string(int i) {
        return (String) args.get(i);
    }

    @SuppressWarnings("unchecked")
    public List<String> strings(int i) {
        return (List<String>) args.get(i);
    }

    public String tagString(String tag) {
        return (String) tags.get(tag);
    }

    @SuppressWarnings("unchecked")
    public List<String> tagStrings(String tag) {
        return (List<String>) tags.get(tag);
    }

    public long tagNumber(String tag, long otherwise) {
        Object v = tags.get(tag);
        return v == null ? otherwise : (Long) v;
    }
}
