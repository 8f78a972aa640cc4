package org.mailroom.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one run (name, unit, value, in the order added), and the summary over repeated runs.
 *
 * <p>The summary prints one line per figure for people, {@code msg/s: median 812.3 (790.0 .. 830.1, 3 runs)},
 * and one for scripts, {@code RESULT smtp.msg_per_s 812.3 790.0 830.1} (name, median, min, max), which
 * bench/compare reads to print ratios.
 */
final class Figures {

    private final Map<String, String> units = new LinkedHashMap<>();
    private final Map<String, Double> values = new LinkedHashMap<>();

    Figures add(String name, String unit, double value) {
        units.put(name, unit);
        values.put(name, value);
        return this;
    }

    /** One run on one line: {@code run 2: 812.3 msg/s, 4.10 ms p50, ...}. */
    String line() {
        List<String> parts = new ArrayList<>();
        values.forEach((name, v) -> parts.add(format(v) + " " + units.get(name) + " (" + name + ")"));
        return String.join(", ", parts);
    }

    /** Prints the per-figure median and range over {@code runs}, then the RESULT lines. */
    static void summarize(String prefix, List<Figures> runs, PrintStream out) {
        if (runs.isEmpty()) return;
        Figures first = runs.get(0);
        out.println("summary over " + runs.size() + " run" + (runs.size() == 1 ? "" : "s") + ":");
        List<String> results = new ArrayList<>();
        for (String name : first.values.keySet()) {
            double[] v = runs.stream().mapToDouble(r -> r.values.getOrDefault(name, Double.NaN)).toArray();
            Arrays.sort(v);
            double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
            out.printf(Locale.ROOT, "  %-22s median %s %s (min %s .. max %s)%n", name, format(median),
                    first.units.get(name), format(v[0]), format(v[v.length - 1]));
            results.add("RESULT " + prefix + "." + name + " " + plain(median) + " " + plain(v[0]) + " "
                    + plain(v[v.length - 1]));
        }
        results.forEach(out::println);
    }

    static String format(double v) {
        if (Double.isNaN(v)) return "n/a";
        if (Math.abs(v) >= 100) return String.format(Locale.ROOT, "%.0f", v);
        if (Math.abs(v) >= 10) return String.format(Locale.ROOT, "%.1f", v);
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String plain(double v) {
        return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%.4f", v);
    }
}
