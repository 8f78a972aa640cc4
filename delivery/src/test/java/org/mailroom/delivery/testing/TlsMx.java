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
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A receiving MX on loopback that offers STARTTLS with a chosen certificate (or no STARTTLS when the context
 * is null), and records what arrived and whether it came under TLS. Thread per connection, like {@link FakeMx}.
 */
public final class TlsMx implements AutoCloseable {

    /** One message as received. */
    public record Received(String text, boolean tls) {}

    private final ServerSocket socket;
    private volatile SSLContext tls;
    private final List<Received> messages = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    public TlsMx(SSLContext tls) throws IOException {
        this.tls = tls;
        socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread t = new Thread(this::acceptLoop, "tls-mx " + socket.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** Another certificate from now on (null: STARTTLS no longer offered). */
    public void use(SSLContext context) {
        this.tls = context;
    }

    public List<Received> messages() {
        return messages;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = socket.accept();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "tls-mx session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket plain) {
        Socket s = plain;
        boolean secure = false;
        try {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            write(out, "220 tls-mx.test ESMTP");
            String line;
            while ((line = in.readLine()) != null) {
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line;
                switch (verb) {
                    case "EHLO" -> write(out, "250-tls-mx.test\r\n250-8BITMIME" + (tls != null && !secure ? "\r\n250-STARTTLS" : "")
                            + "\r\n250 ENHANCEDSTATUSCODES");
                    case "STAR" -> {
                        SSLContext context = tls;
                        if (context == null || secure) {
                            write(out, "454 4.7.0 no TLS");
                            continue;
                        }
                        write(out, "220 2.0.0 go ahead");
                        SSLSocket upgraded = (SSLSocket) context.getSocketFactory().createSocket(s, null, s.getPort(), true);
                        upgraded.setUseClientMode(false);
                        try {
                            upgraded.startHandshake();
                        } catch (IOException e) {
                            return; // the client refused our certificate
                        }
                        s = upgraded;
                        secure = true;
                        out = s.getOutputStream();
                        in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                    }
                    case "DATA" -> {
                        write(out, "354 go on");
                        StringBuilder message = new StringBuilder();
                        String data;
                        while ((data = in.readLine()) != null && !data.equals(".")) message.append(data).append("\r\n");
                        messages.add(new Received(message.toString(), secure));
                        write(out, "250 2.0.0 queued");
                    }
                    case "QUIT" -> {
                        write(out, "221 2.0.0 bye");
                        return;
                    }
                    default -> write(out, "250 2.0.0 ok");
                }
            }
        } catch (IOException e) {
            // the client hung up
        } finally {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private static void write(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        socket.close();
        for (Socket s : open) s.close();
    }
}
