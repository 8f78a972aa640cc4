package org.mailroom.server.config;

import java.util.List;
import java.util.Locale;

/**
 * {@code [log]}: how the server writes its log on stdout.
 *
 * @param format {@code "text"}, one readable line per event, or {@code "json"}, one JSON object per line for
 *               log collectors (Loki, Elasticsearch, journald's JSON export)
 * @param level  the least severe level written ({@code "info"}, {@code "debug"}, ...); "" leaves the level of
 *               logback.xml, which is {@code $MAILROOM_LOG_LEVEL} or INFO
 */
public record LogSection(String format, String level) {

    private static final List<String> LEVELS = List.of("error", "warn", "info", "debug", "trace");

    void validate() {
        if (!format.equals("text") && !format.equals("json")) {
            throw ConfigException.badValue("log.format", "expected \"text\" or \"json\", got \"" + format + "\"");
        }
        if (!level.isEmpty() && !LEVELS.contains(level.toLowerCase(Locale.ROOT))) {
            throw ConfigException.badValue("log.level", "expected one of " + LEVELS + " or \"\", got \"" + level + "\"");
        }
    }

    public boolean json() {
        return format.equals("json");
    }
}
