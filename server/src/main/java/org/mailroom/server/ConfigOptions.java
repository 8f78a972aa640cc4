package org.mailroom.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.mailroom.server.config.Config;
import org.mailroom.server.config.ConfigException;
import org.mailroom.server.config.ConfigFile;
import picocli.CommandLine.Option;

/**
 * The options every command that reads the configuration shares: {@code --config}, {@code --data}, {@code --set}.
 *
 * <p>Which file: {@code --config FILE} if given, else {@code mailroom.toml} in the data directory
 * ({@code --data DIR}, default {@code ./data}). Precedence: defaults, then the file, then {@code --set}.
 */
public final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (default: DIR/mailroom.toml).")
    Path configFile;

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default: ./data, or server.data_dir of the file).")
    Path dataDir;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one configuration key, e.g. --set listen.smtp=:2525")
    Map<String, String> overrides = new LinkedHashMap<>();

    /**
     * Reads the configuration.
     *
     * @param writeDefault whether to write a commented default file into the data directory when there is none
     *                     (the server does this on first start; management commands do not)
     */
    public Config load(boolean writeDefault) {
        Map<String, String> all = new LinkedHashMap<>(overrides);
        if (dataDir != null) all.put("server.data_dir", tomlString(dataDir.toString()));
        Optional<Path> file = Optional.ofNullable(configFile);
        if (file.isEmpty()) {
            Path defaultFile = (dataDir != null ? dataDir : Path.of("data")).resolve(ConfigFile.FILE_NAME);
            if (!Files.exists(defaultFile) && writeDefault) {
                try {
                    Files.createDirectories(defaultFile.getParent());
                    ConfigFile.writeDefault(defaultFile);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write " + defaultFile, e);
                }
            }
            if (Files.exists(defaultFile)) {
                file = Optional.of(defaultFile);
                // A file found in the data directory describes that directory, wherever we run from.
                all.putIfAbsent("server.data_dir", tomlString(defaultFile.getParent().toString()));
            }
        } else if (!Files.exists(configFile)) {
            throw new ConfigException("configuration file " + configFile + " does not exist");
        }
        return Config.load(file, all);
    }

    static String tomlString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
