package org.mailroom.server.admin;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mailroom.server.config.Config;
import org.mailroom.server.config.ConfigException;
import org.mailroom.server.config.ConfigFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mailroom config check|default}: check a configuration before starting, or print the default file. */
@Command(name = "config", description = "Check the configuration, or print the default file.", mixinStandardHelpOptions = true)
public final class ConfigCommand {

    @Spec
    CommandSpec spec;

    @Command(name = "check", description = "Read the configuration as 'serve' would, and report the first problem.",
            mixinStandardHelpOptions = true)
    int check(@Mixin StoreOptions store) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Optional<Path> file = store.configFile();
            Config config = store.config();
            for (String warning : config.warnings()) err.println("mailroom: warning: " + warning);
            err.flush();
            out.println("configuration OK: " + file.map(Path::toString).orElse("defaults (no file)")
                    + ", data directory " + config.server().dataDir() + ", host name " + config.server().hostname());
            out.flush();
            return 0;
        } catch (ConfigException e) {
            return AdminRun.fail(err, e.getMessage());
        }
    }

    @Command(name = "default", description = "Print the default mailroom.toml, every key commented.",
            mixinStandardHelpOptions = true)
    int printDefault(@Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Writes this key uncommented with this TOML value (a package's data_dir). Repeatable.")
                     List<String> sets) {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, String> set = new LinkedHashMap<>();
        for (String s : sets == null ? List.<String>of() : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) return AdminRun.fail(spec.commandLine().getErr(), "--set expects key=value, got '" + s + "'");
            set.put(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
        }
        try {
            out.print(ConfigFile.defaultText(set));
        } catch (ConfigException e) {
            return AdminRun.fail(spec.commandLine().getErr(), e.getMessage());
        }
        out.flush();
        return 0;
    }
}
