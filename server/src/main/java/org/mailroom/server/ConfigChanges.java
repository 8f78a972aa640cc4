package org.mailroom.server;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.mailroom.server.config.Config;

/**
 * What a configuration reload (SIGHUP) found different, key by key: the keys the running server took at once,
 * and those that wait for a restart.
 *
 * <p>A live key is compared with the configuration applied last; a restart key with the one the server started
 * with, so a restart key changed by an earlier reload is named again until the server restarts.
 *
 * @param applied     live keys whose value changed, now in use for new connections and messages
 * @param needRestart keys whose new value the running server does not use yet
 */
record ConfigChanges(List<String> applied, List<String> needRestart) {

    /**
     * The keys a running server applies without a restart: what each connection, login or message reads when it
     * starts. Everything else (listen addresses, store, data directory, host name, DNS resolvers, the outbound
     * client and worker counts, ...) is built once at start. A key added later is a restart key until it is
     * listed here and {@link Server#reload} applies it.
     */
    static final Set<String> LIVE = Set.of(
            "server.shutdown_grace",
            "tls.certificate", "tls.private_key", "tls.plaintext_auth_from_loopback",
            "limits.message_size", "limits.recipients", "limits.command_line", "limits.text_line",
            "limits.connections", "limits.connections_per_ip", "limits.command_timeout", "limits.session_timeout",
            "limits.errors", "limits.auth_failures", "limits.pop3_idle_timeout", "limits.imap_idle_timeout",
            "limits.hop_count", "limits.error_delay", "limits.auth_delay", "limits.auth_attempts_per_minute",
            "limits.greeting_delay", "limits.trusted_networks",
            "smtp.bare_line_endings", "smtp.submission_plaintext_auth", "smtp.submission_hide_client",
            "dkim.sign", "dkim.publish_delay", "dkim.retire_after",
            "auth.verify", "auth.dmarc_reject", "auth.spf_reject", "auth.tempfail_on_dns_error", "auth.authserv_id",
            "auth.trusted_networks",
            "outbound.retry_intervals", "outbound.lifetime", "outbound.warn_after", "outbound.poll_interval",
            "outbound.lease",
            "log.format", "log.level");

    static ConfigChanges between(Config started, Config applied, Config next) {
        Map<String, Object> then = flatten(started);
        Map<String, Object> last = flatten(applied);
        List<String> live = new ArrayList<>();
        List<String> restart = new ArrayList<>();
        flatten(next).forEach((key, value) -> {
            if (LIVE.contains(key)) {
                if (!Objects.equals(last.get(key), value)) live.add(key);
            } else if (!Objects.equals(then.get(key), value)) {
                restart.add(key);
            }
        });
        return new ConfigChanges(List.copyOf(live), List.copyOf(restart));
    }

    /** The one log line of a reload. */
    String describe() {
        return "configuration reloaded: "
                + (applied.isEmpty() ? "nothing changed that applies live" : "applied " + String.join(", ", applied))
                + (needRestart.isEmpty() ? "" : "; needs a restart: " + String.join(", ", needRestart));
    }

    /**
     * Every key's value, by dotted name ({@code limits.message_size}): each section record's components are the
     * keys of its {@code [section]} (the configuration binds snake_case names onto them).
     */
    static Map<String, Object> flatten(Config config) {
        Map<String, Object> keys = new LinkedHashMap<>();
        for (RecordComponent section : Config.class.getRecordComponents()) {
            Object values = get(section, config);
            for (RecordComponent key : values.getClass().getRecordComponents()) {
                keys.put(section.getName() + "." + snakeCase(key.getName()), get(key, values));
            }
        }
        return keys;
    }

    private static Object get(RecordComponent component, Object record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + component + ": " + e, e);
        }
    }

    private static String snakeCase(String camel) {
        StringBuilder out = new StringBuilder();
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) out.append('_').append(Character.toLowerCase(c));
            else out.append(c);
        }
        return out.toString();
    }
}
