package org.mailroom.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.mailroom.mailauth.dkim.DkimKey;
import org.mailroom.mailauth.dkim.DkimSigner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench smtp}: N concurrent sessions send M messages of S octets to R recipients each.
 *
 * <p>Each message is MAIL, R x RCPT, DATA, the dot-stuffed corpus message, then the final dot; the
 * latency is from writing the {@code .} line to reading the reply (the time the server takes to make the
 * message durable and answer 250, RFC 5321 section 6.1). The session stays open for the next message
 * unless {@code --new-connection}. Commands are sent one at a time, as most MTAs and smtp-source do.
 *
 * <p>With {@code --await-maildir DIR}, the run ends only when DIR holds one more file per message and
 * recipient in its {@code new/} folders (for servers that deliver after the 250, like Postfix); the
 * "delivered" rate and the CPU per message then include local delivery.
 *
 * <p>With {@code --sink-port PORT}, this is the outbound relay load: an {@link SmtpSink} listens on
 * 127.0.0.1:PORT for the run (the server under test is configured to relay there), the recipients are in a
 * remote domain, and the run ends when the sink has received every message. {@code relayed_per_s} is the
 * rate from the first MAIL to the last message read by the sink; the CPU per message then includes the
 * server's outbound delivery. {@code --auth} logs the sessions in first (AUTH PLAIN, RFC 4954), for servers
 * that relay only for authenticated clients.
 */
@Command(name = "smtp", mixinStandardHelpOptions = true, description = "SMTP load: messages per second, "
        + "'.'-to-250 latency, server CPU per message.")
final class SmtpLoad implements Callable<Integer> {

    private final PrintStream out;

    SmtpLoad(PrintStream out) {
        this.out = out;
    }

    @Mixin
    Target target;

    @Option(names = "--sessions", defaultValue = "10", description = "Concurrent SMTP sessions (default: ${DEFAULT-VALUE}).")
    int sessions;

    @Option(names = "--messages", defaultValue = "1000", description = "Messages per run (default: ${DEFAULT-VALUE}).")
    int messages;

    @Option(names = "--size", defaultValue = "4096", description = "Message size in octets (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--recipients", defaultValue = "1", description = "Recipients per message (default: ${DEFAULT-VALUE}).")
    int recipients;

    @Option(names = "--rcpt-format", defaultValue = "rcpt%02d@bench.test",
            description = "Recipient addresses, numbered from 1 (default: ${DEFAULT-VALUE}).")
    String rcptFormat;

    @Option(names = "--rcpt-count", defaultValue = "5",
            description = "How many distinct recipients the messages rotate over (default: ${DEFAULT-VALUE}).")
    int rcptCount;

    @Option(names = "--rcpt-first", defaultValue = "1", description = "Number of the first recipient (default: ${DEFAULT-VALUE}).")
    int rcptFirst;

    @Option(names = "--mail-from", defaultValue = "sender@client.test", description = "Envelope sender (default: ${DEFAULT-VALUE}).")
    String mailFrom;

    @Option(names = "--new-connection", description = "Open a new connection for every message.")
    boolean newConnection;

    @Option(names = "--seed", defaultValue = "1", description = "Corpus seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--await-maildir", paramLabel = "DIR",
            description = "Wait until DIR's new/ folders hold the delivered messages before stopping the clock.")
    Path awaitMaildir;

    @Option(names = "--await-timeout", defaultValue = "300", description = "Seconds to wait for delivery (default: ${DEFAULT-VALUE}).")
    int awaitTimeout;

    @Option(names = "--auth", paramLabel = "USER:PASSWORD",
            description = "Log every session in with AUTH PLAIN after EHLO (submission ports).")
    String auth;

    @Option(names = "--sink-port", paramLabel = "PORT",
            description = "Relay load: run a discarding SMTP sink on 127.0.0.1:PORT and stop the clock when it has every message.")
    Integer sinkPort;

    @Option(names = "--dkim-key", paramLabel = "FILE",
            description = "Sign every corpus message once, before the run, with this PKCS#8 RSA key (bench dns makes one).")
    Path dkimKey;

    @Option(names = "--dkim-domain", defaultValue = "client.test", description = "d= of those signatures (default: ${DEFAULT-VALUE}).")
    String dkimDomain;

    @Option(names = "--dkim-selector", defaultValue = "bench", description = "s= of those signatures (default: ${DEFAULT-VALUE}).")
    String dkimSelector;

    @Override
    public Integer call() throws Exception {
        if (sinkPort != null) {
            try (SmtpSink sink = new SmtpSink(sinkPort)) {
                return call(sink);
            }
        }
        return call(null);
    }

    private int call(SmtpSink sink) throws Exception {
        if (recipients > rcptCount) throw new IllegalArgumentException("--recipients is more than --rcpt-count");
        Corpus corpus = new Corpus(seed, size);
        // A few hundred distinct messages, stuffed once: the clients should spend their time on the wire.
        int distinct = Math.min(messages, 256);
        byte[][] data = new byte[distinct][];
        DkimSigner signer = dkimKey == null ? null : new DkimSigner(Clock.systemUTC());
        List<DkimKey> keys = dkimKey == null ? List.of() : List.of(SignedCorpusDns.dkimKey(dkimKey, dkimDomain, dkimSelector));
        for (int i = 0; i < distinct; i++) {
            byte[] message = corpus.message(i);
            if (signer != null) {
                // Signed once here, so the clients spend their time on the wire, as with unsigned messages.
                byte[] signature = signer.sign(new java.io.ByteArrayInputStream(message), keys).getBytes(StandardCharsets.US_ASCII);
                byte[] signed = new byte[signature.length + message.length];
                System.arraycopy(signature, 0, signed, 0, signature.length);
                System.arraycopy(message, 0, signed, signature.length, message.length);
                message = signed;
            }
            data[i] = Corpus.dotStuffed(message);
        }
        ServerProcess server = target.process();
        out.printf("%s: %s, %d sessions, %d messages x %d octets, %d recipient(s), %s connections%s%n",
                sink == null ? "smtp" : "relay", target.address(), sessions, messages, size, recipients,
                newConnection ? "new" : "reused", sink == null ? "" : ", sink on port " + sink.port());
        String load = sink != null ? "relay" : "smtp" + (recipients > 1 ? "_rcpt" + recipients : "");
        return target.repeat(load, out, () -> {
            long filesBefore = awaitMaildir == null ? 0 : countDelivered(awaitMaildir);
            long sunkBefore = sink == null ? 0 : sink.messages();
            long connectionsBefore = sink == null ? 0 : sink.connections();
            double cpuBefore = server == null ? 0 : server.cpuSeconds();
            long start = System.nanoTime();
            Clients.Outcome o = Clients.run(sessions, messages, (client, work, latencies) ->
                    session(work, latencies, data));
            Figures f = new Figures();
            f.add("msg_per_s", "msg/s", messages / o.seconds());
            f.add("latency_p50", "ms", o.latencies().percentileMillis(50));
            f.add("latency_p99", "ms", o.latencies().percentileMillis(99));
            if (awaitMaildir != null) {
                long expected = filesBefore + (long) messages * recipients;
                long deadline = System.nanoTime() + awaitTimeout * 1_000_000_000L;
                while (countDelivered(awaitMaildir) < expected) {
                    if (System.nanoTime() > deadline) throw new IOException("delivery not done in " + awaitTimeout + " s");
                    Thread.sleep(20);
                }
                f.add("delivered_per_s", "msg/s", messages / ((System.nanoTime() - start) / 1e9));
            }
            if (sink != null) {
                long deadline = System.nanoTime() + awaitTimeout * 1_000_000_000L;
                while (sink.messages() < sunkBefore + messages) {
                    if (System.nanoTime() > deadline) {
                        throw new IOException("the sink has " + (sink.messages() - sunkBefore) + " of " + messages
                                + " messages after " + awaitTimeout + " s");
                    }
                    Thread.sleep(5);
                }
                f.add("relayed_per_s", "msg/s", messages / ((sink.lastMessageNanos() - start) / 1e9));
                f.add("sink_connections", "connections", sink.connections() - connectionsBefore);
            }
            if (server != null) f.add("cpu_per_msg", "ms", (server.cpuSeconds() - cpuBefore) * 1000 / messages);
            return f;
        });
    }

    private void session(Clients.Work work, Latencies latencies, byte[][] data) throws Exception {
        LineConnection c = null;
        try {
            for (int n = work.take(); n >= 0; n = work.take()) {
                if (c == null) c = open();
                c.write("MAIL FROM:<" + mailFrom + ">");
                c.flush();
                expect(c, 250, "MAIL");
                for (int r = 0; r < recipients; r++) {
                    String rcpt = String.format(rcptFormat, rcptFirst + (n + r) % rcptCount);
                    c.write("RCPT TO:<" + rcpt + ">");
                    c.flush();
                    expect(c, 250, "RCPT TO:<" + rcpt + ">");
                }
                c.write("DATA");
                c.flush();
                expect(c, 354, "DATA");
                c.write(data[n % data.length]);
                c.flush();
                c.write(".");
                c.flush();
                long t0 = System.nanoTime();
                expect(c, 250, "end of data");
                latencies.add(System.nanoTime() - t0);
                if (newConnection) {
                    quit(c);
                    c = null;
                }
            }
        } finally {
            if (c != null) quit(c);
        }
    }

    private LineConnection open() throws IOException {
        LineConnection c = new LineConnection(target.address());
        expect(c, 220, "greeting");
        c.write("EHLO client.test");
        c.flush();
        expect(c, 250, "EHLO");
        if (auth != null) {
            int colon = auth.indexOf(':');
            String plain = "\0" + auth.substring(0, colon) + "\0" + auth.substring(colon + 1);
            c.write("AUTH PLAIN " + java.util.Base64.getEncoder().encodeToString(plain.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            c.flush();
            expect(c, 235, "AUTH PLAIN");
        }
        return c;
    }

    private static void quit(LineConnection c) {
        try {
            c.write("QUIT");
            c.flush();
            c.readLine();
        } catch (IOException e) {
            // the message is sent; a lost QUIT reply is not the server's figure
        } finally {
            c.close();
        }
    }

    /** Reads a whole (multi-line) reply and fails unless its code is {@code code}. */
    static void expect(LineConnection c, int code, String what) throws IOException {
        String line;
        do {
            line = c.readLine();
        } while (line.length() > 3 && line.charAt(3) == '-');
        if (!line.startsWith(Integer.toString(code))) {
            throw new IOException(what + ": expected " + code + ", got \"" + line + "\"");
        }
    }

    /** Files in the new/ folders under {@code dir} (Maildir: one file per delivered copy). */
    static long countDelivered(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.getParent() != null && p.getParent().getFileName() != null
                    && p.getParent().getFileName().toString().equals("new") && Files.isRegularFile(p)).count();
        }
    }
}
