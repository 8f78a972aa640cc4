package org.mailroom.server.admin;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import org.mailroom.server.config.Config;
import org.mailroom.server.config.ConfigException;
import org.mailroom.server.config.ConfigFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
    int printDefault() {
        PrintWriter out = spec.commandLine().getOut();
        out.print(ConfigFile.defaultText());
        out.flush();
        return 0;
    }
}
