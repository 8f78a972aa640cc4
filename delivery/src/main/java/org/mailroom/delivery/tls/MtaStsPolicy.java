package org.mailroom.delivery.tls;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An MTA-STS policy as served at {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} (RFC 8461 section 3.2):
 *
 * <pre>
 * version: STSv1
 * mode: enforce
 * mx: mx1.example.org
 * mx: *.example.net
 * max_age: 604800
 * </pre>
 *
 * @param id     the {@code id} of the {@code _mta-sts} TXT record it was fetched for
 * @param maxAge seconds the policy may be cached, at most {@link #MAX_AGE_LIMIT}
 */
public record MtaStsPolicy(String id, Mode mode, List<String> mx, long maxAge, String text) {

    public enum Mode { ENFORCE, TESTING, NONE }

    /** RFC 8461 section 3.2: "max_age ... up to 31557600" (one year). */
    public static final long MAX_AGE_LIMIT = 31_557_600L;

    public MtaStsPolicy {
        mx = List.copyOf(mx);
    }

    /** A policy text that is not one, with the reason (RFC 8460 result type "sts-policy-invalid"). */
    public static final class Invalid extends Exception {
        public Invalid(String message) {
            super(message);
        }
    }

    /**
     * Reads a policy. Unknown keys are ignored (section 3.2: for extensions); a missing or wrong version, mode
     * or max_age, or no mx with a mode other than none, make it invalid.
     */
    public static MtaStsPolicy parse(String id, String text) throws Invalid {
        String version = null;
        Mode mode = null;
        Long maxAge = null;
        List<String> mx = new ArrayList<>();
        for (String raw : text.split("\n", -1)) {
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            if (line.isBlank()) continue;
            int colon = line.indexOf(':');
            if (colon <= 0) throw new Invalid("not a \"key: value\" line: \"" + shorten(line) + "\"");
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            switch (key) {
                case "version" -> version = value;
                case "mode" -> {
                    switch (value) {
                        case "enforce" -> mode = Mode.ENFORCE;
                        case "testing" -> mode = Mode.TESTING;
                        case "none" -> mode = Mode.NONE;
                        default -> throw new Invalid("unknown mode \"" + shorten(value) + "\"");
                    }
                }
                case "max_age" -> {
                    if (!value.matches("[0-9]{1,10}")) throw new Invalid("max_age is not a number: \"" + shorten(value) + "\"");
                    maxAge = Math.min(Long.parseLong(value), MAX_AGE_LIMIT);
                }
                case "mx" -> {
                    String pattern = value.toLowerCase(Locale.ROOT);
                    if (pattern.isEmpty() || pattern.contains(" ")) throw new Invalid("bad mx \"" + shorten(value) + "\"");
                    mx.add(pattern);
                }
                default -> { } // extensions
            }
        }
        if (!"STSv1".equals(version)) throw new Invalid("version is not STSv1");
        if (mode == null) throw new Invalid("no mode");
        if (maxAge == null) throw new Invalid("no max_age");
        if (mx.isEmpty() && mode != Mode.NONE) throw new Invalid("no mx");
        return new MtaStsPolicy(id, mode, mx, maxAge, text);
    }

    /**
     * Whether {@code host} is one of the policy's MX hosts (section 4.1): equal, or matching a {@code *.}
     * pattern in its left-most label only ({@code *.example.com} matches {@code mx.example.com}, not
     * {@code a.b.example.com} or {@code example.com}).
     */
    public boolean allows(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        for (String pattern : mx) {
            if (pattern.equals(h)) return true;
            if (pattern.startsWith("*.")) {
                int dot = h.indexOf('.');
                if (dot > 0 && h.substring(dot + 1).equals(pattern.substring(2))) return true;
            }
        }
        return false;
    }

    /** The policy's lines, as TLS-RPT's {@code policy-string} wants them (RFC 8460 section 4.4). */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (!line.isEmpty()) out.add(line);
        }
        return out;
    }

    private static String shorten(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
