package org.mailroom.server;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import org.mailroom.server.admin.StoreOptions;
import org.mailroom.server.config.Config;
import org.mailroom.server.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mailroom serve}: the production server on the configured (by default standard) ports. */
@Command(name = "serve", description = "Run the mail server.")
final class ServeCommand implements Callable<Integer> {

    @Mixin
    StoreOptions options;

    @Override
    public Integer call() throws Exception {
        Config config;
        try {
            options.writeDefaultFileIfMissing();
            config = options.config();
        } catch (ConfigException e) {
            System.err.println("mailroom: " + e.getMessage());
            return 1;
        }
        return runUntilStopped(config, null);
    }

    /** Starts the server, runs {@code ready} once it listens, and blocks until the JVM is asked to stop. */
    static int runUntilStopped(Config config, ServerReady ready) throws Exception {
        LogFormat.apply(config.log());
        Server server;
        try {
            server = Server.start(config);
        } catch (Server.ListenException e) {
            System.err.println("mailroom: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // SIGTERM or SIGINT: the JVM then exits with 128 + the signal's number (143, 130) once this ends.
            server.shutdown(config.server().shutdownGrace());
            stopped.countDown();
        }, "shutdown"));
        if (ready != null) ready.ready(server);
        stopped.await();
        return 0;
    }

    interface ServerReady {
        void ready(Server server) throws Exception;
    }
}
