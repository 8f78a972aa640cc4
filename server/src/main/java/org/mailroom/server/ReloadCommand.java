package org.mailroom.server;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.mailroom.server.admin.StoreOptions;
import org.mailroom.server.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code mailroom reload}: sends SIGHUP to the server running on the data directory (its pid from
 * {@code mailroom.pid}). The server's log then says which keys it applied and which need a restart; under
 * systemd, {@code systemctl reload mailroom} does the same.
 */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = "Ask the running server to read its configuration again (SIGHUP); its log says what changed.")
final class ReloadCommand implements Callable<Integer> {

    @Mixin
    StoreOptions options;

    @Override
    public Integer call() throws Exception {
        Path dataDir;
        try {
            dataDir = options.config().server().dataDir();
        } catch (ConfigException e) {
            System.err.println("mailroom: " + e.getMessage());
            return 1;
        }
        Optional<Long> pid = PidFile.read(dataDir);
        Optional<ProcessHandle> server = pid.flatMap(ProcessHandle::of).filter(ReloadCommand::isJava);
        if (server.isEmpty()) {
            System.err.println("mailroom: no server is running on " + dataDir.toAbsolutePath()
                    + (pid.isEmpty() ? " (no " + PidFile.FILE_NAME + ")" : " (process " + pid.get() + " is gone)"));
            return 1;
        }
        // ProcessHandle can send only SIGTERM and SIGKILL; kill(1) sends any signal.
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(server.get().pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            System.err.println("mailroom: kill -HUP " + server.get().pid() + " failed (is the server another user's?)");
            return 1;
        }
        System.out.println("asked the server (pid " + server.get().pid() + ") to reload its configuration;"
                + " its log says what changed");
        return 0;
    }

    /** A pid file left by a killed server may name an unrelated process by now: signal only a Java one. */
    private static boolean isJava(ProcessHandle process) {
        Optional<String> command = process.info().command();
        return command.isEmpty() || Path.of(command.get()).getFileName().toString().startsWith("java");
    }
}
