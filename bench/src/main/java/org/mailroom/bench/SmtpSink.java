package org.mailroom.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The far end of the relay load: an SMTP server on loopback that accepts every message and throws it away,
 * like Postfix's smtp-sink, but in the load generator's JVM so that the time the last message arrived is
 * read on the same clock as the first accept. One platform thread per connection (a relaying MTA opens a
 * handful); PIPELINING is offered, as real receivers do, and works because commands are answered in order.
 * Nothing is written to disk: the figure is the relaying server's, not the sink's.
 */
final class SmtpSink implements AutoCloseable {

    private final ServerSocket listener;
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private volatile long lastMessageNanos;

    SmtpSink(int port) throws IOException {
        listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 100);
        Thread acceptor = new Thread(this::accept, "sink-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Messages received so far (one per completed DATA, whatever the number of recipients). */
    long messages() {
        return messages.get();
    }

    long connections() {
        return connections.get();
    }

    /** {@link System#nanoTime()} when the latest message's final dot was read. */
    long lastMessageNanos() {
        return lastMessageNanos;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                connections.incrementAndGet();
                Thread t = new Thread(() -> serve(s), "sink-" + connections.get());
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
            reply(out, in, "220 sink.bench.test ESMTP sink");
            ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
            while (readLine(in, line)) {
                String command = line.toString(StandardCharsets.ISO_8859_1);
                String verb = (command.length() >= 4 ? command.substring(0, 4) : command).toUpperCase(Locale.ROOT);
                switch (verb) {
                    case "EHLO":
                        reply(out, in, "250-sink.bench.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SIZE 0\r\n"
                                + "250 ENHANCEDSTATUSCODES");
                        break;
                    case "HELO":
                        reply(out, in, "250 sink.bench.test");
                        break;
                    case "DATA":
                        reply(out, in, "354 End data with <CR><LF>.<CR><LF>");
                        while (readLine(in, line) && !(line.size() == 1 && line.toByteArray()[0] == '.')) {
                            // discard the message text
                        }
                        lastMessageNanos = System.nanoTime();
                        messages.incrementAndGet();
                        reply(out, in, "250 2.0.0 Ok: discarded");
                        break;
                    case "QUIT":
                        reply(out, in, "221 2.0.0 Bye");
                        return;
                    default: // MAIL, RCPT, RSET, NOOP and anything else
                        reply(out, in, "250 2.0.0 Ok");
                }
            }
        } catch (IOException e) {
            // the relaying server went away: its business
        }
    }

    /** Queues a reply; sends it unless more pipelined commands are already waiting (RFC 2920 section 3.2). */
    private static void reply(OutputStream out, InputStream in, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.write('\r');
        out.write('\n');
        if (in.available() == 0) out.flush();
    }

    /** Reads one line without its CRLF into {@code line}; false at the end of the stream. */
    private static boolean readLine(InputStream in, ByteArrayOutputStream line) throws IOException {
        line.reset();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) return false;
            line.write(b);
        }
        if (line.size() > 0 && line.toByteArray()[line.size() - 1] == '\r') {
            byte[] bytes = line.toByteArray();
            line.reset();
            line.write(bytes, 0, bytes.length - 1);
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
