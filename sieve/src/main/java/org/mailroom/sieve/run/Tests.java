package org.mailroom.sieve.run;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mailroom.sieve.SieveEnvironment;
import org.mailroom.sieve.SieveMessage;
import org.mailroom.sieve.script.Call;
import org.mailroom.sieve.script.Checker;
import org.mailroom.sieve.script.MatchType;

/**
 * The tests of a run (RFC 5228 section 5 and the extensions': body, date, imap4flags, mailbox, duplicate): each
 * gathers the values it tests, from the message, the envelope or the environment, and hands them to
 * {@link Matching}.
 */
final class Tests {

    /** RFC 7352 leaves the default period of duplicate to the implementation. */
    static final Duration DUPLICATE_DEFAULT = Duration.ofDays(7);

    private final SieveMessage message;
    private final SieveEnvironment env;
    private final MessageView view;
    private final Variables variables;
    private final Matching matching;
    private final Flags flags;

    Tests(SieveMessage message, SieveEnvironment env, MessageView view, Variables variables, Matching matching,
          Flags flags) {
        this.message = message;
        this.env = env;
        this.view = view;
        this.variables = variables;
        this.matching = matching;
        this.flags = flags;
    }

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
                for (String name : variables.expandAll(t.strings(0), f)) if (view.first(name) == null) return false;
                return true;
            case "size": {
                long limit = (Long) t.args().get(0);
                return t.has("over") ? message.size() > limit : message.size() < limit;
            }
            case "header": {
                List<String> values = new ArrayList<>();
                for (String name : variables.expandAll(t.strings(0), f)) {
                    for (MessageView.Field x : select(view.fields(name), t)) values.add(x.decoded());
                }
                return matching.compare(t, f, values, t.strings(1));
            }
            case "address": {
                List<String> values = new ArrayList<>();
                for (String name : variables.expandAll(t.strings(0), f)) {
                    for (MessageView.Field x : select(view.fields(name), t)) {
                        for (String a : x.addresses()) addPart(values, t, a);
                    }
                }
                return matching.compare(t, f, values, t.strings(1));
            }
            case "envelope": {
                List<String> values = new ArrayList<>();
                for (String part : variables.expandAll(t.strings(0), f)) {
                    String p = part.toLowerCase(Locale.ROOT);
                    if (p.equals("from")) addPart(values, t, message.envelopeFrom());
                    else if (p.equals("to")) addPart(values, t, message.envelopeTo());
                    else throw new SieveRuntimeException(t.line(), "unknown envelope part \"" + part + "\"");
                }
                return matching.compare(t, f, values, t.strings(1));
            }
            case "string": {
                List<String> values = variables.expandAll(t.strings(0), f);
                if (t.match().type() == MatchType.COUNT) values = values.stream().filter(v -> !v.isEmpty()).toList();
                return matching.compare(t, f, values, t.strings(1));
            }
            case "hasflag": {
                List<String> held = flags.held(t, f);
                List<String> keys = new ArrayList<>(Flags.parse(variables.expandAll(t.strings(1), f)));
                return matching.compareExpanded(t, f, held, keys);
            }
            case "body": {
                BodyText body = view.body();
                List<String> values = t.has("raw") ? List.of(body.raw())
                        : t.has("content") ? body.content(variables.expandAll(t.tagStrings("content"), f)) : body.text();
                return matching.compare(t, f, values, t.strings(0));
            }
            case "date": {
                List<MessageView.Field> fields = select(view.fields(variables.expand(t.string(0), f)), t);
                if (fields.isEmpty()) return false;
                String value = fields.get(0).decoded();
                if (t.string(0).equalsIgnoreCase("received")) value = value.substring(value.lastIndexOf(';') + 1);
                ZonedDateTime d = Dates.parse(value);
                if (d == null) return false;
                if (!t.has("originalzone")) d = d.withZoneSameInstant(zone(t, f));
                return matching.compare(t, f, List.of(datePart(d, variables.expand(t.string(1), f), t)), t.strings(2));
            }
            case "currentdate": {
                ZonedDateTime now = env.now().withZoneSameInstant(zone(t, f));
                return matching.compare(t, f, List.of(datePart(now, variables.expand(t.string(0), f), t)), t.strings(1));
            }
            case "mailboxexists":
                for (String m : variables.expandAll(t.strings(0), f)) if (!env.mailboxExists(m)) return false;
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
            id = variables.expand(t.tagString("uniqueid"), f);
        } else {
            String field = t.has("header") ? variables.expand(t.tagString("header"), f) : "Message-ID";
            id = view.first(field);
            if (id == null) return false;
        }
        String handle = t.has("handle") ? variables.expand(t.tagString("handle"), f) : "";
        long seconds = t.tagNumber("seconds", DUPLICATE_DEFAULT.toSeconds());
        return env.seenBefore("duplicate:" + handle.length() + ":" + handle + ":" + id.strip(),
                Duration.ofSeconds(Math.min(seconds, Duration.ofDays(365).toSeconds())));
    }

    private ZoneId zone(Call t, Frame f) {
        if (!t.has("zone")) return env.now().getZone();
        String z = variables.expand(t.tagString("zone"), f);
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
    static List<MessageView.Field> select(List<MessageView.Field> fields, Call t) {
        if (!t.has("index")) return fields;
        long i = t.tagNumber("index", 1);
        if (i > fields.size()) return List.of();
        return List.of(fields.get(t.has("last") ? fields.size() - (int) i : (int) i - 1));
    }
}
