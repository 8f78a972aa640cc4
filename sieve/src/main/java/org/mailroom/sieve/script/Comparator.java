package org.mailroom.sieve.script;

/**
 * The comparators of RFC 4790 that Sieve requires or that clients ask for: i;octet (exact), i;ascii-casemap
 * (the default, ASCII letters fold) and i;ascii-numeric (RFC 4790 section 9.1: the leading digits as a number,
 * a string without leading digit above every number; equality and ordering only, no substring match).
 */
public enum Comparator {
    OCTET("i;octet"), ASCII_CASEMAP("i;ascii-casemap"), ASCII_NUMERIC("i;ascii-numeric");

    public final String rfcName;

    Comparator(String rfcName) {
        this.rfcName = rfcName;
    }

    public static Comparator named(String name) {
        for (Comparator c : values()) if (c.rfcName.equalsIgnoreCase(name)) return c;
        return null;
    }

    public boolean equal(String a, String b) {
        return switch (this) {
            case OCTET -> a.equals(b);
            case ASCII_CASEMAP -> a.length() == b.length() && fold(a).equals(fold(b));
            case ASCII_NUMERIC -> compare(a, b) == 0;
        };
    }

    public boolean contains(String value, String key) {
        return this == OCTET ? value.contains(key) : fold(value).contains(fold(key));
    }

    /** Ordering for :value (RFC 5231). */
    public int compare(String a, String b) {
        return switch (this) {
            case OCTET -> a.compareTo(b);
            case ASCII_CASEMAP -> fold(a).compareTo(fold(b));
            case ASCII_NUMERIC -> compareNumbers(a, b);
        };
    }

    /** ASCII-only case folding (RFC 4790 section 9.2): other letters are left alone. */
    public static String fold(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') return asciiLower(s);
        }
        return s;
    }

    private static String asciiLower(String s) {
        char[] out = s.toCharArray();
        for (int i = 0; i < out.length; i++) if (out[i] >= 'A' && out[i] <= 'Z') out[i] += 32;
        return new String(out);
    }

    private static int compareNumbers(String a, String b) {
        String x = digits(a);
        String y = digits(b);
        if (x == null || y == null) return x == null ? (y == null ? 0 : 1) : -1;
        if (x.length() != y.length()) return Integer.compare(x.length(), y.length());
        return x.compareTo(y);
    }

    /** The leading digits without leading zeros ("0" for zero), or null when the string starts with no digit. */
    private static String digits(String s) {
        int end = 0;
        while (end < s.length() && s.charAt(end) >= '0' && s.charAt(end) <= '9') end++;
        if (end == 0) return null;
        int start = 0;
        while (start < end - 1 && s.charAt(start) == '0') start++;
        return s.substring(start, end);
    }
}
