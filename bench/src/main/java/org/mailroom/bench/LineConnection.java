package org.mailroom.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A blocking client connection for line protocols (SMTP, POP3, IMAP): buffered both ways, Nagle off so a
 * command leaves when flushed, and a read timeout so a stuck server fails the run instead of hanging it.
 */
final class LineConnection implements AutoCloseable {

    static final int TIMEOUT_MILLIS = 60_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

    LineConnection(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        socket.connect(address, TIMEOUT_MILLIS);
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    }

    /** Queues a command line; CRLF is added. */
    void write(String command) throws IOException {
        out.write(command.getBytes(StandardCharsets.UTF_8));
        out.write('\r');
        out.write('\n');
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
    }

    void flush() throws IOException {
        out.flush();
    }

    /** One line without its CRLF (or LF). */
    String readLine() throws IOException {
        line.reset();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) throw new EOFException("connection closed by the server");
            line.write(b);
        }
        int n = line.size();
        byte[] bytes = line.toByteArray();
        return new String(bytes, 0, n > 0 && bytes[n - 1] == '\r' ? n - 1 : n, StandardCharsets.ISO_8859_1);
    }

    /** Reads and discards exactly {@code n} octets (an IMAP literal). */
    void skip(long n) throws IOException {
        while (n > 0) {
            long skipped = in.skip(n);
            if (skipped <= 0) {
                if (in.read() < 0) throw new EOFException("connection closed inside a literal");
                skipped = 1;
            }
            n -= skipped;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a benchmark connection: nothing to do
        }
    }
}
