package org.mailroom.sieve.script;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every command and test this interpreter knows, with the extension that brings it, its tagged arguments and its
 * positional arguments: the whole language on one screen. {@code null} extension means RFC 5228 itself. Tags of
 * one group (match type, comparator, address part, ...) exclude each other.
 */
public final class Grammar {

    public enum Type { NONE, STRING, STRINGS, NUMBER }

    public enum Tests { NONE, ONE, LIST }

    /** A tagged argument: its group (tags of one group exclude each other; null for none), its argument. */
    public record Tag(String name, String extension, String group, Type arg) {}

    /**
     * @param optional how many positional arguments may be left out; {@code omitFirst} says which end goes
     */
    public record Spec(String name, String extension, boolean test, List<Tag> tags, List<Type> positional,
                       int optional, boolean omitFirst, Tests tests, boolean block) {}

    static final List<Tag> COMPARATOR = List.of(new Tag("comparator", null, "comparator", Type.STRING));
    static final List<Tag> MATCH = List.of(
            new Tag("is", null, "match", Type.NONE),
            new Tag("contains", null, "match", Type.NONE),
            new Tag("matches", null, "match", Type.NONE),
            new Tag("regex", "regex", "match", Type.NONE),
            new Tag("value", "relational", "match", Type.STRING),
            new Tag("count", "relational", "match", Type.STRING));
    static final List<Tag> ADDRESS_PART = List.of(
            new Tag("all", null, "part", Type.NONE),
            new Tag("localpart", null, "part", Type.NONE),
            new Tag("domain", null, "part", Type.NONE),
            new Tag("user", "subaddress", "part", Type.NONE),
            new Tag("detail", "subaddress", "part", Type.NONE));
    static final List<Tag> INDEX = List.of(
            new Tag("index", "index", null, Type.NUMBER),
            new Tag("last", "index", null, Type.NONE));
    static final List<Tag> FLAGS = List.of(new Tag("flags", "imap4flags", null, Type.STRINGS));

    /** The extensions of {@code require}; the two comparators every implementation has need no require. */
    public static final Set<String> EXTENSIONS = Set.copyOf(new TreeSet<>(List.of(
            "fileinto", "reject", "ereject", "envelope", "encoded-character", "variables", "vacation",
            "vacation-seconds", "imap4flags", "copy", "body", "relational", "comparator-i;octet",
            "comparator-i;ascii-casemap", "comparator-i;ascii-numeric", "subaddress", "date", "index", "mailbox",
            "include", "duplicate", "editheader", "regex")));

    private static final Map<String, Spec> COMMANDS = new LinkedHashMap<>();
    private static final Map<String, Spec> TESTS = new LinkedHashMap<>();

    static {
        // control (RFC 5228 section 3)
        command("require", null, List.of(), List.of(Type.STRINGS), Tests.NONE, false);
        command("if", null, List.of(), List.of(), Tests.ONE, true);
        command("elsif", null, List.of(), List.of(), Tests.ONE, true);
        command("else", null, List.of(), List.of(), Tests.NONE, true);
        command("stop", null, List.of(), List.of(), Tests.NONE, false);
        // actions (section 4 and extensions)
        command("keep", null, FLAGS, List.of(), Tests.NONE, false);
        command("discard", null, List.of(), List.of(), Tests.NONE, false);
        command("redirect", null, List.of(new Tag("copy", "copy", null, Type.NONE)), List.of(Type.STRING), Tests.NONE, false);
        command("fileinto", "fileinto", join(FLAGS, List.of(new Tag("copy", "copy", null, Type.NONE),
                new Tag("create", "mailbox", null, Type.NONE))), List.of(Type.STRING), Tests.NONE, false);
        command("reject", "reject", List.of(), List.of(Type.STRING), Tests.NONE, false);
        command("ereject", "ereject", List.of(), List.of(Type.STRING), Tests.NONE, false);
        command("vacation", "vacation", List.of(
                new Tag("days", null, "period", Type.NUMBER),
                new Tag("seconds", "vacation-seconds", "period", Type.NUMBER),
                new Tag("subject", null, null, Type.STRING),
                new Tag("from", null, null, Type.STRING),
                new Tag("addresses", null, null, Type.STRINGS),
                new Tag("mime", null, null, Type.NONE),
                new Tag("handle", null, null, Type.STRING)), List.of(Type.STRING), Tests.NONE, false);
        command("set", "variables", List.of(
                new Tag("lower", null, "case", Type.NONE),
                new Tag("upper", null, "case", Type.NONE),
                new Tag("lowerfirst", null, "first", Type.NONE),
                new Tag("upperfirst", null, "first", Type.NONE),
                new Tag("quotewildcard", null, null, Type.NONE),
                new Tag("quoteregex", "regex", null, Type.NONE),
                new Tag("length", null, null, Type.NONE)), List.of(Type.STRING, Type.STRING), Tests.NONE, false);
        for (String f : List.of("setflag", "addflag", "removeflag")) {
            COMMANDS.put(f, new Spec(f, "imap4flags", false, List.of(), List.of(Type.STRING, Type.STRINGS), 1, true,
                    Tests.NONE, false));
        }
        command("addheader", "editheader", List.of(new Tag("last", null, null, Type.NONE)),
                List.of(Type.STRING, Type.STRING), Tests.NONE, false);
        COMMANDS.put("deleteheader", new Spec("deleteheader", "editheader", false, join(List.of(
                new Tag("index", null, null, Type.NUMBER), new Tag("last", null, null, Type.NONE)), COMPARATOR, MATCH),
                List.of(Type.STRING, Type.STRINGS), 1, false, Tests.NONE, false));
        command("include", "include", List.of(
                new Tag("personal", null, "location", Type.NONE),
                new Tag("global", null, "location", Type.NONE),
                new Tag("once", null, null, Type.NONE),
                new Tag("optional", null, null, Type.NONE)), List.of(Type.STRING), Tests.NONE, false);
        command("return", "include", List.of(), List.of(), Tests.NONE, false);
        command("global", "include", List.of(), List.of(Type.STRINGS), Tests.NONE, false);

        // tests (section 5 and extensions)
        test("address", null, join(COMPARATOR, ADDRESS_PART, MATCH, INDEX), List.of(Type.STRINGS, Type.STRINGS), Tests.NONE);
        test("envelope", "envelope", join(COMPARATOR, ADDRESS_PART, MATCH), List.of(Type.STRINGS, Type.STRINGS), Tests.NONE);
        test("header", null, join(COMPARATOR, MATCH, INDEX), List.of(Type.STRINGS, Type.STRINGS), Tests.NONE);
        test("exists", null, List.of(), List.of(Type.STRINGS), Tests.NONE);
        test("size", null, List.of(new Tag("over", null, "size", Type.NONE), new Tag("under", null, "size", Type.NONE)),
                List.of(Type.NUMBER), Tests.NONE);
        test("true", null, List.of(), List.of(), Tests.NONE);
        test("false", null, List.of(), List.of(), Tests.NONE);
        test("not", null, List.of(), List.of(), Tests.ONE);
        test("anyof", null, List.of(), List.of(), Tests.LIST);
        test("allof", null, List.of(), List.of(), Tests.LIST);
        test("string", "variables", join(COMPARATOR, MATCH), List.of(Type.STRINGS, Type.STRINGS), Tests.NONE);
        TESTS.put("hasflag", new Spec("hasflag", "imap4flags", true, join(COMPARATOR, MATCH),
                List.of(Type.STRINGS, Type.STRINGS), 1, true, Tests.NONE, false));
        test("body", "body", join(COMPARATOR, MATCH, List.of(
                new Tag("raw", null, "transform", Type.NONE),
                new Tag("content", null, "transform", Type.STRINGS),
                new Tag("text", null, "transform", Type.NONE))), List.of(Type.STRINGS), Tests.NONE);
        List<Tag> zone = List.of(new Tag("zone", null, "zone", Type.STRING), new Tag("originalzone", null, "zone", Type.NONE));
        test("date", "date", join(INDEX, zone, COMPARATOR, MATCH), List.of(Type.STRING, Type.STRING, Type.STRINGS), Tests.NONE);
        test("currentdate", "date", join(List.of(zone.get(0)), COMPARATOR, MATCH), List.of(Type.STRING, Type.STRINGS), Tests.NONE);
        test("mailboxexists", "mailbox", List.of(), List.of(Type.STRINGS), Tests.NONE);
        test("duplicate", "duplicate", List.of(
                new Tag("handle", null, null, Type.STRING),
                new Tag("header", null, "id", Type.STRING),
                new Tag("uniqueid", null, "id", Type.STRING),
                new Tag("seconds", null, null, Type.NUMBER),
                new Tag("last", null, null, Type.NONE)), List.of(), Tests.NONE);
    }

    private Grammar() {}

    public static Spec command(String name) {
        return COMMANDS.get(name);
    }

    public static Spec test(String name) {
        return TESTS.get(name);
    }

    private static void command(String name, String ext, List<Tag> tags, List<Type> positional, Tests tests, boolean block) {
        COMMANDS.put(name, new Spec(name, ext, false, tags, positional, 0, false, tests, block));
    }

    private static void test(String name, String ext, List<Tag> tags, List<Type> positional, Tests tests) {
        TESTS.put(name, new Spec(name, ext, true, tags, positional, 0, false, tests, false));
    }

    @SafeVarargs
    private static List<Tag> join(List<Tag>... lists) {
        List<Tag> out = new ArrayList<>();
        for (List<Tag> l : lists) out.addAll(l);
        return List.copyOf(out);
    }
}
