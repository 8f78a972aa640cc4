package org.mailroom.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Mailroom server in a JVM of its own, so that a crash test can kill it with SIGKILL: {@code serve} on a data
 * directory, SMTP on an ephemeral loopback port, every other listener off, with the production log
 * configuration (its start line says where SMTP listens).
 */
final class ServerJvm {

    private static final Pattern SMTP_PORT = Pattern.compile("smtp=[^,}]*:(\\d+)");

    private ServerJvm() {}

    /**
     * @param logFile where the server's output goes, or null to read it with {@link #awaitSmtpPort}
     * @param sets    more {@code key=value} settings ({@code --set})
     */
    static Process start(Path dataDir, Path logFile, String... sets) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        // The production log configuration, not the tests' quiet one: the start line is read from it.
        List<String> command = new ArrayList<>(List.of(java, "-Dlogback.configurationFile=logback.xml",
                "-cp", classpath, "org.mailroom.server.Main", "serve", "--data", dataDir.toString(),
                "--set", "listen.smtp=127.0.0.1:0",
                // No inbound checks: they would ask the machine's resolvers (see TestServer).
                "--set", "auth.verify=false"));
        for (String off : List.of("submission", "submissions", "imap", "imaps", "pop3", "pop3s", "managesieve", "admin")) {
            command.add("--set");
            command.add("listen." + off + "=\"\"");
        }
        for (String set : sets) {
            command.add("--set");
            command.add(set);
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (logFile != null) pb.redirectOutput(logFile.toFile());
        pb.environment().put("MAILROOM_LOG_LEVEL", "INFO");
        return pb.start();
    }

    /** Waits (at most a minute) for the server's log to say where SMTP listens; the rest is drained meanwhile. */
    static int awaitSmtpPort(Process server) throws Exception {
        CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
            try {
                return readSmtpPort(server);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            return port.get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            server.destroyForcibly(); // ends the read too
            throw new AssertionError("server did not start within a minute");
        }
    }

    private static int readSmtpPort(Process server) throws IOException {
        BufferedReader log = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = log.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher m = SMTP_PORT.matcher(line);
            if (line.contains("mailroom started") && m.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        log.transferTo(java.io.Writer.nullWriter());
                    } catch (IOException ignored) {
                        // the process was killed: that is what crash tests do
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("server did not start:\n" + seen);
    }
}
