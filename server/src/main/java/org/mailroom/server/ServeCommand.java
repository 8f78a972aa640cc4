package org.mailroom.server;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.mailroom.server.admin.StoreOptions;
import org.mailroom.server.config.Config;
import org.mailroom.server.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mailroom serve}: the production server on the configured (by default standard) ports. */
@Command(name = "serve", description = "Run the mail server.")
final class ServeCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Mixin
    StoreOptions options;

    @Override
    public Integer call() throws Exception {
        Config config = loadConfig(options);
        return config == null ? 1 : runUntilStopped(config, options::config, null);
    }

    /** The configuration, the default file written first where there is none; null once stderr says what is wrong. */
    static Config loadConfig(StoreOptions options) throws IOException {
        try {
            options.writeDefaultFileIfMissing();
            return options.config();
        } catch (ConfigException e) {
            System.err.println("mailroom: " + e.getMessage());
            return null;
        }
    }

    /**
     * Starts the server, runs {@code ready} once it listens, and blocks until the JVM is asked to stop. SIGHUP
     * reads the configuration again with {@code reread} (the same file and {@code --set} options) and applies
     * what can change live; the server's pid is in {@link PidFile} meanwhile, for {@code mailroom reload}.
     */
    static int runUntilStopped(Config config, Supplier<Config> reread, ServerReady ready) throws Exception {
        LogFormat.apply(config.log());
        Server server;
        try {
            server = Server.start(config);
        } catch (Server.ListenException e) {
            System.err.println("mailroom: " + e.getMessage());
            return 1;
        }
        PidFile pid = PidFile.write(config.server().dataDir());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // SIGTERM or SIGINT: the JVM then exits with 128 + the signal's number (143, 130) once this ends.
            server.shutdown(server.shutdownGrace());
            pid.remove();
            stopped.countDown();
        }, "shutdown"));
        HangUp.onSignal(() -> reload(server, reread));
        if (ready != null) ready.ready(server);
        stopped.await();
        return 0;
    }

    /** One reload: a file that no longer reads or checks leaves the server as it was, and the log says why. */
    private static void reload(Server server, Supplier<Config> reread) {
        Config next;
        try {
            next = reread.get();
        } catch (ConfigException e) {
            log.error("configuration not reloaded, still running on the previous one: {}", e.getMessage());
            return;
        }
        try {
            log.info("{}", server.reload(next).describe());
        } catch (java.io.IOException | RuntimeException e) {
            log.error("configuration not reloaded, still running on the previous one: {}", e.getMessage());
        }
    }

    interface ServerReady {
        void ready(Server server) throws Exception;
    }
}
