package org.mailroom.server.config;

/**
 * {@code [log]}: how the server writes its log on stdout.
 *
 * @param format {@code "text"}, one readable line per event, or {@code "json"}, one JSON object per line for
 *               log collectors (Loki, Elasticsearch, journald's JSON export)
 */
public record LogSection(String format) {

    void validate() {
        if (!format.equals("text") && !format.equals("json")) {
            throw ConfigException.badValue("log.format", "expected \"text\" or \"json\", got \"" + format + "\"");
        }
    }

    public boolean json() {
        return format.equals("json");
    }
}
