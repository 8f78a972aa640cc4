package org.mailroom.server.admin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mailroom.server.config.Config;
import org.mailroom.server.config.ConfigException;
import org.mailroom.server.config.ConfigFile;
import picocli.CommandLine.Option;

/**
 * The options every command that reads the configuration shares ({@code serve} and the admin commands):
 * {@code --data DIR}, {@code --config FILE} and repeatable {@code --set key=value}. Use it as a picocli
 * mixin: {@code @Mixin StoreOptions store;} then {@code store.config()}.
 *
 * <p>Where things come from: the configuration file is {@code --config FILE} if given, else
 * {@code $MAILROOM_CONFIG} when neither option is given (the packages' launcher sets it to their
 * {@code conf/mailroom.toml}, so that {@code mailroom user add ...} finds the installed server's data), else
 * {@code mailroom.toml} in the data directory ({@code --data DIR}, default {@code ./data}) if it exists,
 * else none (defaults only). {@code --data} also sets {@code server.data_dir}, above the file and any
 * {@code --set}: it is the most specific thing the operator said.
 */
public final class StoreOptions {

    @Option(names = "--data", paramLabel = "DIR",
            description = "Data directory (default: server.data_dir of the configuration, ./data).")
    Path data;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file (default: mailroom.toml in the data directory, if it exists).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Sets one configuration key, above the file; the value is TOML or a bare word: "
                    + "--set limits.recipients=200. Repeatable.")
    List<String> sets = new ArrayList<>();

    /** Values a command supplies below the operator's {@code --set} (the demo's loopback ports). */
    private final Map<String, String> defaults = new LinkedHashMap<>();

    /** Sets a key unless the operator sets it with {@code --set}; the value is TOML. */
    public void setDefault(String key, String tomlValue) {
        defaults.put(key, tomlValue);
    }

    /** Whether the operator named the data directory or configuration file. */
    public boolean dataDirGiven() {
        return data != null || config != null;
    }

    /** Uses {@code dir} as the data directory (for commands that make their own, like the demo). */
    public void useDataDir(Path dir) {
        data = dir;
    }

    /**
     * Writes a commented default {@code mailroom.toml} into the data directory when no configuration file is
     * given or found there, as the server does on its first start.
     */
    public void writeDefaultFileIfMissing() throws IOException {
        if (configFile().isPresent()) return;
        Path file = (data != null ? data : Path.of("data")).resolve(ConfigFile.FILE_NAME);
        Files.createDirectories(file.getParent());
        ConfigFile.writeDefault(file);
    }

    /** The configuration file to read, if any (see the class comment). */
    public Optional<Path> configFile() {
        if (config != null) return Optional.of(config);
        String installed = System.getenv("MAILROOM_CONFIG");
        if (data == null && installed != null && !installed.isBlank()) return Optional.of(Path.of(installed));
        Path inDataDir = (data != null ? data : Path.of("data")).resolve(ConfigFile.FILE_NAME);
        return Files.isRegularFile(inDataDir) ? Optional.of(inDataDir) : Optional.empty();
    }

    /** The {@code --set} options as dotted keys and raw values, plus {@code --data}. */
    public Map<String, String> overrides() {
        Map<String, String> overrides = new LinkedHashMap<>(defaults);
        for (String set : sets) {
            int eq = set.indexOf('=');
            if (eq <= 0) throw new ConfigException("--set expects key=value, got '" + set + "'");
            overrides.put(set.substring(0, eq).trim(), set.substring(eq + 1).trim());
        }
        if (data != null) overrides.put("server.data_dir", tomlString(data.toString()));
        return overrides;
    }

    /** Loads and checks the configuration. @throws ConfigException naming the key or file */
    public Config config() {
        return Config.load(configFile(), overrides());
    }

    /** A TOML basic string, so that a path such as {@code [x]} or {@code 123} stays a string. */
    public static String tomlString(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') out.append('\\');
            if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
