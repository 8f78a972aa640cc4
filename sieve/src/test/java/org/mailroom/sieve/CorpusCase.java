package org.mailroom.sieve;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One case of the corpus: a script, a message with its envelope, an environment, and what must come out. The
 * file format (sections start with "--- ", cases with "=== case: name"):
 * <pre>
 * === case: spam goes to Junk
 * --- script
 * require "fileinto";
 * if header :contains "subject" "money" { fileinto "Junk"; }
 * --- message: spam.eml          (a file of corpus/messages, or the lines that follow; default plain.eml)
 * --- envelope                   (from: and to:; default bob@example.net to alice@example.org)
 * --- env                        (account, addresses, mailboxes, now, runs, advance; see defaults below)
 * --- include personal NAME      (the text of an included script; or "global NAME")
 * --- expect                     (one line per action and header edit, in order; "nothing" for none;
 *                                 "error: TEXT" for a run-time error; "compile-error: line N: TEXT")
 * </pre>
 */
record CorpusCase(String file, String name, String script, byte[] message, String envelopeFrom, String envelopeTo,
                  Map<String, String> env, Map<String, String> includes, List<String> expect) {

    @Override
    public String toString() {
        return file + ": " + name;
    }

    static List<CorpusCase> load(Path file, Path messages) throws IOException {
        List<CorpusCase> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String name = null;
        Map<String, StringBuilder> sections = new LinkedHashMap<>();
        StringBuilder current = null;
        for (String line : lines) {
            if (line.startsWith("=== case:")) {
                if (name != null) out.add(build(file, messages, name, sections));
                name = line.substring(9).trim();
                sections = new LinkedHashMap<>();
                current = null;
            } else if (line.startsWith("--- ")) {
                current = new StringBuilder();
                sections.put(line.substring(4).trim(), current);
            } else if (current != null) {
                current.append(line).append("\r\n");
            }
        }
        if (name != null) out.add(build(file, messages, name, sections));
        return out;
    }

    private static CorpusCase build(Path file, Path messages, String name, Map<String, StringBuilder> sections)
            throws IOException {
        String script = text(sections.get("script"));
        byte[] message = null;
        Map<String, String> includes = new HashMap<>();
        for (Map.Entry<String, StringBuilder> e : sections.entrySet()) {
            String key = e.getKey();
            if (key.startsWith("message:")) {
                message = messageFile(messages.resolve(key.substring(8).trim()));
            } else if (key.equals("message")) {
                message = e.getValue().toString().getBytes(StandardCharsets.UTF_8);
            } else if (key.startsWith("include ")) {
                includes.put(key.substring(8).trim().replaceAll("\\s+", " "), text(e.getValue()));
            }
        }
        if (message == null) {
            message = messageFile(messages.resolve("plain.eml"));
        }
        Map<String, String> envelope = pairs(sections.get("envelope"));
        Map<String, String> env = pairs(sections.get("env"));
        List<String> expect = new ArrayList<>();
        for (String l : text(sections.get("expect")).split("\n")) if (!l.isBlank()) expect.add(l.strip());
        return new CorpusCase(file.getFileName().toString(), name, script, message,
                envelope.getOrDefault("from", "bob@example.net"), envelope.getOrDefault("to", "alice@example.org"),
                env, includes, expect);
    }

    /** A message file as bytes (8-bit headers stay as written), with CRLF line ends. */
    private static byte[] messageFile(Path p) throws IOException {
        String latin1 = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
        return latin1.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(StringBuilder b) {
        return b == null ? "" : b.toString().replace("\r\n", "\n");
    }

    private static Map<String, String> pairs(StringBuilder b) {
        Map<String, String> out = new HashMap<>();
        if (b == null) return out;
        for (String l : text(b).split("\n")) {
            int colon = l.indexOf(':');
            if (colon > 0) out.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
        }
        return out;
    }

    SieveMessage sieveMessage() {
        return new SieveMessage() {
            @Override
            public String envelopeFrom() {
                return envelopeFrom.equals("<>") ? "" : envelopeFrom;
            }

            @Override
            public String envelopeTo() {
                return envelopeTo;
            }

            @Override
            public long size() {
                return message.length;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(message);
            }
        };
    }

    /** The environment of the case; its duplicate tracker keeps state across the runs of the case. */
    final class Env implements SieveEnvironment {
        private final Map<String, Instant> seen = new HashMap<>();
        ZonedDateTime now = ZonedDateTime.parse(env.getOrDefault("now", "2026-12-04T10:00:00Z"));

        @Override
        public String account() {
            return env.getOrDefault("account", "alice@example.org");
        }

        @Override
        public Set<String> addresses() {
            return list(env.getOrDefault("addresses", "alice@example.org"));
        }

        @Override
        public boolean mailboxExists(String mailbox) {
            return list(env.getOrDefault("mailboxes", "INBOX")).contains(mailbox);
        }

        @Override
        public boolean seenBefore(String key, Duration period) {
            Instant last = seen.put(key, now.toInstant());
            return last != null && last.plus(period).isAfter(now.toInstant());
        }

        @Override
        public Optional<String> includedScript(boolean global, String name) {
            return Optional.ofNullable(includes.get((global ? "global " : "personal ") + name));
        }

        @Override
        public ZonedDateTime now() {
            return now;
        }

        @Override
        public int maxRedirects() {
            return Integer.parseInt(env.getOrDefault("max-redirects", "4"));
        }
    }

    private static Set<String> list(String s) {
        return java.util.Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The outcome as the lines of an expect section. */
    static List<String> render(SieveOutcome o) {
        List<String> out = new ArrayList<>();
        for (SieveAction a : o.actions()) {
            if (a instanceof SieveAction.Keep k) {
                out.add("keep" + flags(k.flags()));
            } else if (a instanceof SieveAction.FileInto f) {
                out.add("fileinto " + q(f.mailbox()) + (f.create() ? " create" : "") + flags(f.flags()));
            } else if (a instanceof SieveAction.Redirect r) {
                out.add("redirect " + q(r.address()));
            } else if (a instanceof SieveAction.Reject r) {
                out.add((r.extended() ? "ereject " : "reject ") + q(r.reason()));
            } else if (a instanceof SieveAction.Vacation v) {
                out.add("vacation to=" + v.to() + " from=" + v.from() + " subject=" + q(v.subject())
                        + " reason=" + q(v.body()) + (v.mime() ? " mime" : "")
                        + (v.inReplyTo() != null ? " in-reply-to=" + v.inReplyTo() : ""));
            }
        }
        for (SieveOutcome.HeaderEdit e : o.headerEdits()) {
            if (e.add()) {
                out.add("addheader " + q(e.name()) + " " + q(e.value()) + (e.last() ? " last" : ""));
            } else {
                out.add("deleteheader " + q(e.name()) + (e.index() > 0 ? " index=" + e.index() : "") + (e.fromEnd() ? " last" : "")
                        + (e.matchValues().isEmpty() ? "" : " values=" + e.matchValues().stream().map(CorpusCase::q)
                        .collect(Collectors.joining("|"))));
            }
        }
        if (out.isEmpty()) out.add("nothing");
        return out;
    }

    private static String flags(Set<String> flags) {
        if (flags.isEmpty()) return "";
        TreeSet<String> sorted = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        sorted.addAll(flags);
        return " flags=" + String.join(" ", sorted);
    }

    private static String q(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r\n", "\\n") + "\"";
    }

    static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException(e);
    }
}
