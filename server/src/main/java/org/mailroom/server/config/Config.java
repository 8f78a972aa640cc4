package org.mailroom.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole configuration, one record per {@code [section]} of {@code mailroom.toml}.
 *
 * <p>Values come from three places, each overriding the one before: the defaults
 * ({@link ConfigFile}), the file, and {@code --set key=value} on the command line. A loaded Config is
 * complete and checked: every key has a value and every value has been parsed, so the parts that use it
 * never meet a bad address or duration at run time.
 */
public record Config(
        ServerSection server,
        ListenSection listen,
        TlsSection tls,
        StoreSection store,
        DnsSection dns,
        OutboundSection outbound,
        LimitsSection limits,
        SmtpSection smtp,
        AdminSection admin,
        AutoconfigSection autoconfig,
        DkimSection dkim,
        AuthSection auth,
        LogSection log,
        SieveSection sieve) {

    /**
     * Reads the configuration.
     *
     * @param file      the TOML file, or empty for the defaults alone
     * @param overrides dotted keys and TOML values from {@code --set}: {@code limits.recipients -> 200},
     *                  {@code dns.servers -> ["127.0.0.1:5353"]}; a value that is not TOML is taken as a
     *                  string ({@code server.hostname -> mx.example.org})
     * @throws ConfigException naming the key, for an unknown key or a bad value, or naming the file
     *                         when it cannot be read or is not TOML
     */
    public static Config load(Optional<Path> file, Map<String, String> overrides) {
        Config raw = ConfigReader.read(file, overrides);
        Config config = raw.withMachineHostname();
        config.validate();
        return config;
    }

    /** Every key at its default. */
    public static Config defaults() {
        return load(Optional.empty(), Map.of());
    }

    /**
     * Settings that work but go against an RFC's advice (fewer than 100 recipients, ...): the server
     * starts and logs each line.
     */
    public List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        limits.addWarnings(warnings);
        return warnings;
    }

    private void validate() {
        if (server.hostname().isBlank() || server.hostname().contains(" ")) {
            throw ConfigException.badValue("server.hostname", "expected a host name, got \"" + server.hostname() + "\"");
        }
        if (server.shutdownGrace().isNegative()) {
            throw ConfigException.badValue("server.shutdown_grace", "must not be negative");
        }
        listen.validate();
        tls.validate();
        store.validate();
        dns.validate();
        outbound.validate();
        limits.validate();
        smtp.validate();
        autoconfig.validate();
        dkim.validate();
        auth.validate();
        log.validate();
        sieve.validate();
    }

    private Config withMachineHostname() {
        if (!server.hostname().isBlank()) return this;
        ServerSection named = new ServerSection(machineName(), server.dataDir(), server.nativeTransport(),
                server.shutdownGrace());
        return new Config(named, listen, tls, store, dns, outbound, limits, smtp, admin, autoconfig, dkim, auth, log, sieve);
    }

    /** The machine's fully qualified name if it has one, else "localhost"; looked up once per process. */
    static String machineName() {
        return MachineName.NAME;
    }

    /** Holder: the reverse look-up can take a while, and the name does not change while we run. */
    private static final class MachineName {
        static final String NAME = lookUp();
    }

    private static String lookUp() {
        try {
            String name = InetAddress.getLocalHost().getCanonicalHostName();
            return name == null || name.isBlank() ? "localhost" : name;
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
