package org.mailroom.server.config;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations as operators write them: {@code 30s}, {@code 5m}, {@code 4h}, {@code 5d}, {@code 500ms}, or
 * several together, {@code 1h30m}. A bare {@code 0} is zero. Anything else is refused: a number without
 * a unit is ambiguous (seconds? milliseconds?), so we do not guess.
 */
public final class Durations {

    private Durations() {}

    /** @throws IllegalArgumentException with a message that quotes the text */
    public static Duration parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.equals("0")) return Duration.ZERO;
        if (s.isEmpty()) throw notADuration(text);
        Duration total = Duration.ZERO;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
            if (i == start || i - start > 12) throw notADuration(text);
            long amount = Long.parseLong(s.substring(start, i));
            int unitStart = i;
            while (i < s.length() && Character.isLetter(s.charAt(i))) i++;
            String unit = s.substring(unitStart, i);
            Duration part;
            switch (unit) {
                case "ms": part = Duration.ofMillis(amount); break;
                case "s": part = Duration.ofSeconds(amount); break;
                case "m": part = Duration.ofMinutes(amount); break;
                case "h": part = Duration.ofHours(amount); break;
                case "d": part = Duration.ofDays(amount); break;
                default: throw notADuration(text);
            }
            total = total.plus(part);
        }
        return total;
    }

    /** The shortest form that {@link #parse} reads back: {@code 5m}, {@code 1h30m}, {@code 5d}. */
    public static String format(Duration d) {
        if (d.isZero()) return "0";
        StringBuilder out = new StringBuilder();
        long days = d.toDays();
        if (days > 0) out.append(days).append('d');
        if (d.toHoursPart() > 0) out.append(d.toHoursPart()).append('h');
        if (d.toMinutesPart() > 0) out.append(d.toMinutesPart()).append('m');
        if (d.toSecondsPart() > 0) out.append(d.toSecondsPart()).append('s');
        if (d.toMillisPart() > 0) out.append(d.toMillisPart()).append("ms");
        return out.toString();
    }

    private static IllegalArgumentException notADuration(String text) {
        return new IllegalArgumentException(
                "expected a duration such as \"30s\", \"5m\", \"4h\" or \"5d\", got \"" + text + "\"");
    }
}
