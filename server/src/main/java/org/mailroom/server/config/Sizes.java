package org.mailroom.server.config;

import java.util.Locale;

/**
 * Sizes in bytes, as a number ({@code 36700160}) or with a unit: {@code 35MiB}, {@code 10MB},
 * {@code 512KiB}, {@code 1GiB}. KB/MB/GB are powers of 1000, KiB/MiB/GiB powers of 1024 (IEC 80000-13),
 * so that {@code 10MB} means what the SIZE extension of another server would advertise for it. One letter
 * ({@code 500M}, {@code 2G}, {@code 64K}) means the power of 1024, as Dovecot reads it.
 */
public final class Sizes {

    private Sizes() {}

    /** @throws IllegalArgumentException with a message that quotes the text */
    public static long parse(String text) {
        String s = text.trim();
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
        if (i == 0 || i > 15) throw notASize(text);
        long amount = Long.parseLong(s.substring(0, i));
        String unit = s.substring(i).trim().toLowerCase(Locale.ROOT);
        long factor;
        switch (unit) {
            case "": case "b": factor = 1; break;
            case "kb": factor = 1000L; break;
            case "kib": factor = 1024L; break;
            case "mb": factor = 1000L * 1000; break;
            case "mib": factor = 1024L * 1024; break;
            case "gb": factor = 1000L * 1000 * 1000; break;
            case "gib": factor = 1024L * 1024 * 1024; break;
            // One letter, as Dovecot and most tools write them ("500M", "2G"): powers of 1024.
            case "k": factor = 1024L; break;
            case "m": factor = 1024L * 1024; break;
            case "g": factor = 1024L * 1024 * 1024; break;
            default: throw notASize(text);
        }
        return Math.multiplyExact(amount, factor);
    }

    private static IllegalArgumentException notASize(String text) {
        return new IllegalArgumentException(
                "expected a size in bytes such as 36700160, \"35MiB\" or \"10MB\", got \"" + text + "\"");
    }
}
