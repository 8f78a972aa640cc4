package org.mailroom.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball as a user gets it: unpacked, its launcher run by a plain POSIX shell ({@code /bin/sh}, dash on
 * Debian) finds Java, the jars of lib/ and the configuration of conf/.
 */
class TarballIT {

    @TempDir
    Path dir;

    @Test
    void unpacksToBinLibConfAndRuns() throws Exception {
        String version = System.getProperty("mailroom.version", "0.1.0-SNAPSHOT");
        Path tarball = Path.of("target", "mailroom-" + version + ".tar.gz").toAbsolutePath();
        assertThat(tarball).exists();
        Command.ok("tar", "-xzf", tarball.toString(), "-C", dir.toString());
        Path home = dir.resolve("mailroom-" + version);
        assertThat(home.resolve("bin/mailroom")).isExecutable();
        assertThat(home.resolve("conf/mailroom.toml")).content().contains("[limits]", "#message_size = ");
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            assertThat(jars.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("mailroom-server-"))
                    .allMatch(n -> n.endsWith(".jar"));
        }

        String launcher = home.resolve("bin/mailroom").toString();
        assertThat(Command.ok("/bin/sh", launcher, "--version")).contains("Mailroom " + version);
        // Without --config or --data, commands use conf/mailroom.toml (through MAILROOM_CONFIG).
        assertThat(Command.ok("/bin/sh", launcher, "config", "check"))
                .contains("configuration OK: " + home.resolve("conf/mailroom.toml"));
    }
}
