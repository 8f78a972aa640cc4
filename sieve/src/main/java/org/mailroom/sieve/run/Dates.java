package org.mailroom.sieve.run;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Dates for the date and currentdate tests (RFC 5260): reading RFC 5322 dates, and the date parts. */
final class Dates {

    private static final Pattern DATE = Pattern.compile(
            "(?:[A-Za-z]+\\s*,\\s*)?(\\d{1,2})\\s+([A-Za-z]{3})[A-Za-z]*\\s+(\\d{2,4})\\s+(\\d{1,2}):(\\d{2})(?::(\\d{2}))?"
                    + "\\s*([+-]\\d{4}|[A-Za-z]+)?");
    private static final String[] MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
    /** RFC 5322 section 4.3 obsolete zones; military zones are taken as +0000, as it advises. */
    private static final Map<String, Integer> ZONES = Map.ofEntries(Map.entry("ut", 0), Map.entry("gmt", 0),
            Map.entry("z", 0), Map.entry("est", -5), Map.entry("edt", -4), Map.entry("cst", -6), Map.entry("cdt", -5),
            Map.entry("mst", -7), Map.entry("mdt", -6), Map.entry("pst", -8), Map.entry("pdt", -7));
    private static final LocalDate MJD_EPOCH = LocalDate.of(1858, 11, 17);

    private Dates() {}

    /** The date in its own zone, or null when it cannot be read. */
    static ZonedDateTime parse(String value) {
        Matcher m = DATE.matcher(value);
        if (!m.find()) return null;
        try {
            int day = Integer.parseInt(m.group(1));
            int month = -1;
            for (int i = 0; i < 12; i++) if (MONTHS[i].equalsIgnoreCase(m.group(2))) month = i + 1;
            if (month < 0) return null;
            int year = Integer.parseInt(m.group(3));
            if (m.group(3).length() <= 2) year += year < 50 ? 2000 : 1900;
            else if (m.group(3).length() == 3) year += 1900;
            int second = m.group(6) == null ? 0 : Integer.parseInt(m.group(6));
            ZoneOffset zone = ZoneOffset.UTC;
            String z = m.group(7);
            if (z != null && (z.startsWith("+") || z.startsWith("-"))) {
                int hh = Integer.parseInt(z.substring(1, 3));
                int mm = Integer.parseInt(z.substring(3, 5));
                int sign = z.startsWith("-") ? -1 : 1;
                zone = ZoneOffset.ofHoursMinutes(sign * hh, sign * mm);
            } else if (z != null) {
                zone = ZoneOffset.ofHours(ZONES.getOrDefault(z.toLowerCase(Locale.ROOT), 0));
            }
            return ZonedDateTime.of(year, month, day, Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                    Math.min(second, 59), 0, zone);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** "+hhmm" or "-hhmm" as an offset (already checked by the compiler when literal), or null. */
    static ZoneOffset zone(String z) {
        if (!z.matches("[+-]\\d{4}")) return null;
        int sign = z.startsWith("-") ? -1 : 1;
        try {
            return ZoneOffset.ofHoursMinutes(sign * Integer.parseInt(z.substring(1, 3)), sign * Integer.parseInt(z.substring(3, 5)));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The date part of RFC 5260 section 4.2. */
    static String part(ZonedDateTime d, String part) {
        return switch (part.toLowerCase(Locale.ROOT)) {
            case "year" -> String.format("%04d", d.getYear());
            case "month" -> String.format("%02d", d.getMonthValue());
            case "day" -> String.format("%02d", d.getDayOfMonth());
            case "date" -> String.format("%04d-%02d-%02d", d.getYear(), d.getMonthValue(), d.getDayOfMonth());
            case "julian" -> Long.toString(ChronoUnit.DAYS.between(MJD_EPOCH, d.toLocalDate()));
            case "hour" -> String.format("%02d", d.getHour());
            case "minute" -> String.format("%02d", d.getMinute());
            case "second" -> String.format("%02d", d.getSecond());
            case "time" -> String.format("%02d:%02d:%02d", d.getHour(), d.getMinute(), d.getSecond());
            case "iso8601" -> d.truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            case "std11" -> d.format(DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT));
            case "zone" -> d.format(DateTimeFormatter.ofPattern("xx", Locale.ROOT));
            case "weekday" -> Integer.toString(d.getDayOfWeek().getValue() % 7);
            default -> throw new IllegalArgumentException(part);
        };
    }
}
