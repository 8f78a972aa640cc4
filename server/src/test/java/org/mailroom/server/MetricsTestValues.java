package org.mailroom.server;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one sample out of Prometheus' text format, for the metrics tests. */
public final class MetricsTestValues {

    private MetricsTestValues() {}

    /** The value of the sample {@code name} whose labels contain {@code labels}; 0 when there is none yet. */
    public static double value(String scrape, String name, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$").matcher(scrape);
        while (m.find()) {
            String found = m.group(1) == null ? "" : m.group(1);
            if (found.contains(labels)) return Double.parseDouble(m.group(2));
        }
        return 0;
    }
}
