package org.mailroom.core.mime;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * Parses an RFC 5322 date-time (section 3.3) leniently, with the obsolete forms of section 4.3: two-digit
 * years, zone names (UT, GMT, EST...), military zones (taken as +0000, as section 4.3 advises), comments,
 * a missing day of week or seconds. Returns null when no date can be made out.
 */
final class DateParser {

    private static final String[] MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
        "nov", "dec"};

    private DateParser() {}

    static Instant parse(String value) {
        if (value == null) return null;
        String text = value.replaceAll("\\([^)]*\\)", " ");
        int day = -1;
        int month = -1;
        int year = -1;
        int hour = -1;
        int minute = 0;
        int second = 0;
        int offsetMinutes = 0;
        for (String t : text.split("[\\s,]+")) {
            if (t.isEmpty()) continue;
            if (t.indexOf(':') > 0 && hour < 0) {
                String[] hms = t.split(":");
                try {
                    hour = Integer.parseInt(hms[0]);
                    minute = hms.length > 1 ? Integer.parseInt(hms[1]) : 0;
                    second = hms.length > 2 ? Integer.parseInt(hms[2].replaceAll("\\..*", "")) : 0;
                } catch (NumberFormatException e) {
                    return null;
                }
            } else if ((t.charAt(0) == '+' || t.charAt(0) == '-') && t.length() == 5 && digits(t.substring(1))) {
                int hhmm = Integer.parseInt(t.substring(1));
                offsetMinutes = (hhmm / 100 * 60 + hhmm % 100) * (t.charAt(0) == '-' ? -1 : 1);
            } else if (digits(t)) {
                if (day < 0 && t.length() <= 2 && month < 0) {
                    day = Integer.parseInt(t);
                } else if (year < 0 && t.length() <= 4) {
                    year = Integer.parseInt(t);
                    if (t.length() <= 2) year += year < 50 ? 2000 : 1900;
                    else if (t.length() == 3) year += 1900;
                } else if (day < 0 && t.length() <= 2) {
                    day = Integer.parseInt(t);
                }
            } else {
                String lower = t.toLowerCase(Locale.ROOT);
                int m = monthOf(lower);
                if (m >= 0 && month < 0) {
                    month = m;
                } else {
                    Integer zone = zone(lower);
                    if (zone != null) offsetMinutes = zone;
                }
            }
        }
        if (day < 1 || month < 0 || year < 0 || hour < 0) return null;
        try {
            return LocalDateTime.of(year, month + 1, day, hour, minute, Math.min(second, 59))
                    .toInstant(ZoneOffset.ofTotalSeconds(offsetMinutes * 60));
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static boolean digits(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        }
        return true;
    }

    private static int monthOf(String t) {
        if (t.length() < 3) return -1;
        String p = t.substring(0, 3);
        for (int m = 0; m < 12; m++) {
            if (MONTHS[m].equals(p)) return m;
        }
        return -1;
    }

    private static Integer zone(String t) {
        switch (t) {
            case "ut": case "gmt": case "utc": case "z": return 0;
            case "edt": return -4 * 60;
            case "est": case "cdt": return -5 * 60;
            case "cst": case "mdt": return -6 * 60;
            case "mst": case "pdt": return -7 * 60;
            case "pst": return -8 * 60;
            default: return t.length() == 1 && Character.isLetter(t.charAt(0)) ? 0 : null;
        }
    }
}
