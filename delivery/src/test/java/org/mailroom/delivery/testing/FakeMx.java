package org.mailroom.delivery.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scriptable remote MX on loopback, like Postfix's smtp-sink: it accepts everything, except at the one
 * stage where the test puts a fault. Plain sockets and a thread per connection: simple, and not our code
 * under test.
 */
public final class FakeMx implements AutoCloseable {

    public enum Stage { GREETING, EHLO, STARTTLS, MAIL, RCPT, DATA, DOT }

    public enum Fault {
        NONE, TEMPORARY, PERMANENT, REPLY_421_AND_CLOSE, CLOSE, STALL,
        /** STARTTLS only: 220, then bytes that are not TLS. */
        TLS_FAILURE,
        /** STARTTLS only: 220 and a second reply in the same plain-text write. */
        INJECTION
    }

    private final ServerSocket socket;
    private final Stage stage;
    private final Fault fault;
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final List<String> verbs = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger admitted = new AtomicInteger();
    private final AtomicInteger stalledAtDot = new AtomicInteger();
    private volatile int stallDotAfter = -1;
    private volatile boolean closed;

    public FakeMx(InetAddress address, int port, Stage stage, Fault fault) throws IOException {
        this.socket = new ServerSocket();
        socket.bind(new InetSocketAddress(address, port));
        this.stage = stage;
        this.fault = fault;
        Thread t = new Thread(this::acceptLoop, "fake-mx " + socket.getLocalSocketAddress());
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** The messages received in full (after the final dot), as they came on the wire. */
    public List<String> messages() {
        return messages;
    }

    /** The command verbs received so far, on every connection, in upper case ("EHLO", "MAIL", "RSET"). */
    public List<String> verbs() {
        return verbs;
    }

    /** Closes every open session from the server's side, as a server does with idle clients. */
    public void dropConnections() throws IOException {
        for (Socket s : open) s.close();
    }

    /** TCP connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /**
     * From now on, the first {@code messages} messages get 250 after the final dot and every later one gets
     * no reply at all: the client has sent the message and waits, as when a server hangs mid-transaction.
     */
    public void stallAfter(int messages) {
        admitted.set(0);
        stallDotAfter = messages;
    }

    /** Ends {@link #stallAfter}: every message gets its 250 again. */
    public void heal() {
        stallDotAfter = -1;
    }

    /** Sessions that received a whole message and were left without a reply by {@link #stallAfter}. */
    public int stalledAtDot() {
        return stalledAtDot.get();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = socket.accept();
                connections.incrementAndGet();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "fake-mx session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Answers at a stage: true to go on, false when the fault ended the session. */
    private boolean answer(Stage at, OutputStream out, String normal) throws IOException {
        Fault f = at == stage ? fault : Fault.NONE;
        switch (f) {
            case NONE:
                out.write((normal + "\r\n").getBytes(StandardCharsets.US_ASCII));
                return true;
            case TEMPORARY:
                out.write((at == Stage.STARTTLS ? "454 4.7.0 TLS not available\r\n" : "451 4.3.0 try later\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                return true;
            case PERMANENT:
                out.write("550 5.7.1 refused\r\n".getBytes(StandardCharsets.US_ASCII));
                return true;
            case REPLY_421_AND_CLOSE:
                out.write("421 4.3.2 closing\r\n".getBytes(StandardCharsets.US_ASCII));
                return false;
            case CLOSE:
                return false;
            case STALL:
                return true; // silence; the client gives up and closes
            case TLS_FAILURE:
                out.write("220 2.0.0 go ahead\r\nthis is not a TLS record at all\r\n".getBytes(StandardCharsets.US_ASCII));
                return false;
            default: // INJECTION
                out.write("220 2.0.0 go ahead\r\n250 2.0.0 injected\r\n".getBytes(StandardCharsets.US_ASCII));
                return true;
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            if (!answer(Stage.GREETING, out, "220 fake.test ESMTP")) return;
            boolean stalled = stage == Stage.GREETING && fault == Fault.STALL;
            String line;
            while (!stalled && (line = in.readLine()) != null) {
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line;
                verbs.add(verb);
                Stage at;
                String normal;
                switch (verb) {
                    case "EHLO":
                        at = Stage.EHLO;
                        normal = "250-fake.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SIZE 10000000"
                                + (stage == Stage.STARTTLS ? "\r\n250-STARTTLS" : "") + "\r\n250 ENHANCEDSTATUSCODES";
                        break;
                    case "HELO":
                        at = null;
                        normal = "250 fake.test";
                        break;
                    case "STAR":
                        at = Stage.STARTTLS;
                        normal = "454 4.7.0 no TLS here";
                        break;
                    case "MAIL":
                        at = Stage.MAIL;
                        normal = "250 2.1.0 ok";
                        break;
                    case "RCPT":
                        at = Stage.RCPT;
                        normal = "250 2.1.5 ok";
                        break;
                    case "DATA":
                        at = Stage.DATA;
                        normal = "354 go on";
                        break;
                    case "QUIT":
                        out.write("221 2.0.0 bye\r\n".getBytes(StandardCharsets.US_ASCII));
                        return;
                    default:
                        at = null;
                        normal = "250 2.0.0 ok";
                }
                boolean goOn = at == null ? answer(null, out, normal) : answer(at, out, normal);
                if (!goOn) return;
                if (at != null && at == stage && fault == Fault.STALL) stalled = true;
                if (at == Stage.DATA && !(stage == Stage.DATA && fault != Fault.NONE)) {
                    StringBuilder message = new StringBuilder();
                    String data;
                    while ((data = in.readLine()) != null && !data.equals(".")) message.append(data).append("\r\n");
                    int limit = stallDotAfter;
                    if (limit >= 0 && admitted.incrementAndGet() > limit) {
                        stalledAtDot.incrementAndGet();
                        stalled = true;
                        break;
                    }
                    // Recorded before the 250 goes out: a client that saw the 250 finds the message here.
                    if (!(stage == Stage.DOT && fault != Fault.NONE)) messages.add(message.toString());
                    if (!answer(Stage.DOT, out, "250 2.0.0 queued")) return;
                    if (stage == Stage.DOT && fault == Fault.STALL) stalled = true;
                }
            }
            while (stalled && in.read() >= 0) {
                // wait for the client to hang up
            }
        } catch (IOException e) {
            // the client hung up
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        socket.close();
        for (Socket s : open) s.close();
    }
}
