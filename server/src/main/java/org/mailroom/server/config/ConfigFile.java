package org.mailroom.server.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one list of configuration keys, with their defaults (as TOML) and meaning. It gives the defaults
 * that {@link Config#load} starts from, the set of keys {@code --set} accepts, and the commented
 * {@code mailroom.toml} written into a new data directory: three uses, one table, so they cannot
 * disagree. docs/configuration.md describes the same keys at more length.
 */
public final class ConfigFile {

    /** The name of the file in the data directory. */
    public static final String FILE_NAME = "mailroom.toml";

    /** One key: {@code section.name = tomlDefault}, with one line of meaning. */
    record Key(String section, String name, String tomlDefault, String meaning) {
        String dotted() {
            return section + "." + name;
        }
    }

    static final List<Key> KEYS = List.of(
            new Key("server", "hostname", "\"\"", "Name in the SMTP greeting, EHLO and Received headers; \"\" = this machine's name."),
            new Key("server", "data_dir", "\"./data\"", "Data directory: mailboxes, queue, accounts, TLS key (relative to the working directory)."),
            new Key("server", "native_transport", "true", "Linux epoll for the sockets where it loads (fewer system calls); false = Java NIO."),
            new Key("server", "shutdown_grace", "\"30s\"", "On SIGTERM/SIGINT: new SMTP sessions get 421 at once; transactions in flight may take this long to finish."),

            new Key("listen", "smtp", "\":25\"", "SMTP from other servers. \"host:port\", \":port\" (every address) or \"[::1]:port\"; \"\" = off."),
            new Key("listen", "submission", "\":587\"", "Submission from mail clients, STARTTLS and AUTH (RFC 6409)."),
            new Key("listen", "submissions", "\":465\"", "Submission over implicit TLS (RFC 8314)."),
            new Key("listen", "imap", "\":143\"", "IMAP with STARTTLS."),
            new Key("listen", "imaps", "\":993\"", "IMAP over implicit TLS."),
            new Key("listen", "pop3", "\":110\"", "POP3 with STLS."),
            new Key("listen", "pop3s", "\":995\"", "POP3 over implicit TLS."),
            new Key("listen", "managesieve", "\":4190\"", "ManageSieve (RFC 5804), STARTTLS: users upload their Sieve filters."),
            new Key("listen", "admin", "\"127.0.0.1:8080\"", "Admin HTTP API, /metrics, /healthz, /readyz (docs/admin-api.md); TLS when not loopback."),

            new Key("listen", "autoconfig", "\"\"", "Mail client autoconfiguration over HTTP(S): Thunderbird, Outlook Autodiscover, Apple profiles (README); \"\" = off."),

            new Key("admin", "metrics_token_required", "false", "Ask for an admin token on /metrics from loopback too (elsewhere it is always asked)."),

            new Key("autoconfig", "hostname", "\"\"", "Host name mail clients are told to connect to; \"\" = server.hostname."),
            new Key("autoconfig", "tls", "true", "Serve listen.autoconfig over HTTPS with the server certificate (it must name autoconfig.<domain>); false = plain HTTP, e.g. behind a proxy."),

            new Key("tls", "certificate", "\"\"", "PEM certificate chain; \"\" = a self-signed certificate made on first start."),
            new Key("tls", "private_key", "\"\"", "PEM private key of that certificate."),
            new Key("tls", "plaintext_auth_from_loopback", "true", "IMAP and POP3 passwords without TLS from 127.0.0.1/::1 (elsewhere only under TLS)."),

            new Key("store", "backend", "\"embedded\"", "\"embedded\" (SQLite and files in the data directory) or \"postgresql\"."),
            new Key("store", "url", "\"\"", "JDBC URL for postgresql, e.g. \"jdbc:postgresql://db.example.org/mailroom\"."),
            new Key("store", "user", "\"\"", "Database user for postgresql."),
            new Key("store", "password", "\"\"", "Database password for postgresql."),
            new Key("store", "inline_blob_max", "65536", "Embedded: messages up to this size (bytes, or \"64KiB\") are kept in the database, larger ones in files; 0 = all files."),
            new Key("store", "expunged_kept", "1000", "Expunge records kept per mailbox for IMAP QRESYNC; a client offline for more expunges than this gets every UID it may know that is gone."),

            new Key("dns", "servers", "[]", "Resolvers as \"host[:port]\", e.g. [\"127.0.0.1:5353\"]; [] = the system's (/etc/resolv.conf)."),
            new Key("dns", "dnssec", "false", "The resolvers validate DNSSEC (a local validating resolver): believe their AD bit, use DANE for outbound TLS."),

            new Key("outbound", "port", "25", "Port of remote mail exchangers (tests use another)."),
            new Key("outbound", "relay_host", "\"\"", "Smart host \"host[:port]\" that takes all remote mail; \"\" = deliver to each domain's MX."),
            new Key("outbound", "relay_user", "\"\"", "User for AUTH PLAIN at the smart host (sent only under TLS); \"\" = no AUTH."),
            new Key("outbound", "relay_password_file", "\"\"", "File whose first line is the smart host password."),
            new Key("outbound", "retry_intervals", "[\"5m\", \"10m\", \"20m\", \"40m\", \"1h\", \"2h\", \"4h\"]", "Waits between delivery attempts; the last one repeats."),
            new Key("outbound", "lifetime", "\"5d\"", "How long a message is retried before it bounces."),
            new Key("outbound", "warn_after", "\"4h\"", "When the sender is told that a message is delayed; 0 = never."),
            new Key("outbound", "max_connections", "20", "Messages being delivered at once, in total."),
            new Key("outbound", "max_connections_per_destination", "20", "Connections at once to one destination domain (or smart host)."),
            new Key("outbound", "poll_interval", "\"1s\"", "How often the queue is read when nothing wakes the runner."),
            new Key("outbound", "lease", "\"30m\"", "How long a message in delivery is kept from other workers; after a crash it waits this long."),
            new Key("outbound", "tls", "\"opportunistic\"", "\"opportunistic\" (STARTTLS when offered), \"required\" (any certificate) or \"verify\" (certificate valid for the MX name)."),
            new Key("outbound", "mta_sts", "true", "Honour destination domains' MTA-STS policies (RFC 8461): enforce means verified TLS or no delivery."),
            new Key("outbound", "mta_sts_port", "443", "HTTPS port MTA-STS policies are fetched from (tests use another)."),
            new Key("outbound", "tls_trust", "\"\"", "PEM file of extra CA certificates trusted for MTA-STS, besides the JDK's; \"\" = none."),
            new Key("outbound", "tls_reports", "true", "Count outbound TLS sessions and send daily TLS reports (RFC 8460) to domains that publish _smtp._tls."),
            new Key("outbound", "tls_report_org", "\"\"", "organization-name in TLS reports; \"\" = server.hostname."),

            new Key("limits", "message_size", "36700160", "Largest message in bytes (35 MiB); \"35MiB\" or \"10MB\" also work."),
            new Key("limits", "recipients", "100", "Recipients per message; RFC 5321 asks for at least 100."),
            new Key("limits", "command_line", "512", "Longest SMTP command line in bytes, CRLF included."),
            new Key("limits", "text_line", "1000", "Longest line of message text in bytes, CRLF included."),
            new Key("limits", "connections", "1000", "Simultaneous connections, all services together."),
            new Key("limits", "connections_per_ip", "50", "Simultaneous connections from one client address."),
            new Key("limits", "command_timeout", "\"5m\"", "How long the server waits for the next SMTP command."),
            new Key("limits", "session_timeout", "\"30m\"", "Longest SMTP session."),
            new Key("limits", "errors", "20", "Protocol errors in one session before it is closed with 421."),
            new Key("limits", "auth_failures", "3", "Failed logins in one session before it is closed."),
            new Key("limits", "pop3_idle_timeout", "\"10m\"", "POP3 inactivity timeout."),
            new Key("limits", "imap_idle_timeout", "\"30m\"", "IMAP inactivity timeout (also bounds IDLE)."),
            new Key("limits", "hop_count", "50", "Received headers after which a message is taken to loop and bounced."),
            new Key("limits", "error_delay", "\"1s\"", "After half of limits.errors, each SMTP error reply waits this long."),
            new Key("limits", "auth_delay", "\"2s\"", "Wait before answering a failed login; doubles with each further failure, up to 30s."),
            new Key("limits", "auth_attempts_per_minute", "30", "Failed logins per minute from one client network (IPv4 address, IPv6 /64), all protocols together; then that network is refused for 1 minute, doubling each time up to 15."),
            new Key("limits", "greeting_delay", "\"0s\"", "Wait before the SMTP greeting; clients that talk first are refused."),
            new Key("limits", "mailbox_quota", "0", "Bytes all messages of one account may take, e.g. \"1GiB\"; 0 = no limit (IMAP QUOTA, delivery refused beyond it)."),
            new Key("limits", "trusted_networks", "[\"127.0.0.0/8\", \"::1/128\"]", "Client networks (CIDR) exempt from auth_attempts_per_minute, e.g. a webmail's address; per-connection delays still apply."),

            new Key("smtp", "bare_line_endings", "\"reject\"", "Message text with a bare CR or LF: \"reject\" (554 5.5.2) or \"normalize\" to CRLF."),
            new Key("smtp", "submission_plaintext_auth", "false", "Allow AUTH on port 587 before STARTTLS (test setups on loopback only)."),
            new Key("smtp", "submission_hide_client", "false", "Leave the submitting client's IP address out of the Received header."),

            new Key("dkim", "sign", "true", "DKIM-sign mail leaving through the queue for local domains with keys; ARC-seal forwarded mail."),
            new Key("dkim", "publish_delay", "\"1d\"", "How long a key from 'mailroom dkim rotate' is only published (in DNS) before it signs."),
            new Key("dkim", "retire_after", "\"7d\"", "How long a key stays in DNS after it stopped signing, for mail still in transit."),
            new Key("auth", "verify", "true", "Check SPF, DKIM, ARC and DMARC of mail received on port 25 and add Authentication-Results; false = neither."),
            new Key("auth", "dmarc_reject", "true", "Refuse (550 5.7.1) mail that fails DMARC under its domain's p=reject; false = deliver it to Junk."),
            new Key("auth", "spf_reject", "false", "Refuse mail whose SPF result is fail even without DMARC (forwarded mail fails SPF)."),
            new Key("auth", "tempfail_on_dns_error", "false", "Answer 451 4.7.0 when a DNS look-up of the checks fails; false = accept, noting temperror."),
            new Key("auth", "authserv_id", "\"\"", "Our name in Authentication-Results; \"\" = server.hostname."),
            new Key("auth", "trusted_networks", "[\"127.0.0.0/8\", \"::1/128\"]", "Clients (CIDR) whose mail is checked and annotated but never refused or sent to Junk: programs on this machine."),

            new Key("sieve", "enabled", "true", "Run the users' Sieve filters (and their domain's before/after scripts) at local delivery."),
            new Key("sieve", "max_redirects", "4", "Redirects a script run may send; more are logged and dropped."),
            new Key("sieve", "srs_secret", "\"\"", "Key of SRS reverse paths of forwarded mail; \"\" = made once in the data directory (set the same value on every node with postgresql)."),
            new Key("sieve", "vacation_min_period", "\"1d\"", "Shortest wait between two vacation replies to one sender, whatever a script asks."),
            new Key("sieve", "vacation_max_period", "\"365d\"", "Longest wait between two vacation replies to one sender."),
            new Key("sieve", "max_script_size", "65536", "Largest Sieve script a user may upload over ManageSieve (bytes, or \"64KiB\")."),
            new Key("sieve", "max_scripts", "16", "Sieve scripts one account may keep."),

            new Key("log", "format", "\"text\"", "Log on stdout: \"text\" (one readable line per event) or \"json\" (one JSON object per line)."),
            new Key("log", "level", "\"\"", "\"error\", \"warn\", \"info\", \"debug\" or \"trace\"; \"\" = $MAILROOM_LOG_LEVEL, else \"info\". Changes with SIGHUP."));

    private ConfigFile() {}

    /** Every key, dotted: {@code limits.recipients}. */
    public static Set<String> keys() {
        Set<String> keys = new LinkedHashSet<>();
        for (Key key : KEYS) keys.add(key.dotted());
        return keys;
    }

    /** The defaults as TOML, every key set: what {@link Config#load} starts from. */
    static String defaultsToml() {
        return render(false, Map.of());
    }

    /** The commented file written into a new data directory: every key, commented out, at its default. */
    public static String defaultText() {
        return render(true, Map.of());
    }

    /**
     * As {@link #defaultText()}, with the given keys set (uncommented) to the given TOML values: the file a package
     * installs, e.g. {@code server.data_dir = "/var/lib/mailroom"}.
     *
     * @throws ConfigException for a key that does not exist
     */
    public static String defaultText(Map<String, String> set) {
        for (String key : set.keySet()) {
            if (!keys().contains(key)) throw new ConfigException("unknown key '" + key + "'");
        }
        return render(true, set);
    }

    /** Writes {@link #defaultText()} to {@code file}, creating its directory; refuses to overwrite. */
    public static void writeDefault(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(file, defaultText(), StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
    }

    private static String render(boolean commented, Map<String, String> set) {
        StringBuilder out = new StringBuilder();
        if (commented) {
            out.append("# Mailroom configuration.\n")
               .append("#\n")
               .append("# Every key is listed with its default value, commented out: remove the '#' in\n")
               .append("# front of a key to change it. Any key can also be given on the command line,\n")
               .append("# which wins over this file:   mailroom serve --set limits.recipients=200\n")
               .append("# Durations are written \"30s\", \"5m\", \"4h\", \"5d\"; sizes in bytes or \"35MiB\", \"10MB\".\n")
               .append("# Unknown keys and bad values stop the server with a message naming the key.\n")
               .append("# docs/configuration.md describes every key.\n");
        }
        String section = null;
        for (Key key : KEYS) {
            if (!key.section().equals(section)) {
                section = key.section();
                out.append('\n').append('[').append(section).append("]\n");
            }
            if (commented) out.append("# ").append(key.meaning()).append('\n');
            String value = set.get(key.dotted());
            if (value != null) {
                out.append(key.name()).append(" = ").append(value).append('\n');
                continue;
            }
            if (commented) out.append('#');
            out.append(key.name()).append(" = ").append(key.tomlDefault()).append('\n');
        }
        return out.toString();
    }
}
