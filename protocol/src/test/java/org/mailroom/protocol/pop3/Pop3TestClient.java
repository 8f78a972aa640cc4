package org.mailroom.protocol.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A line-level POP3 client over a real socket, checking that every server line ends in CRLF. */
final class Pop3TestClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    Pop3TestClient(InetSocketAddress address) throws IOException {
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(5000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends one line (CRLF added). */
    void send(String line) throws IOException {
        sendRaw(line + "\r\n");
    }

    void sendRaw(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Sends a command and returns the first reply line. */
    String command(String line) throws IOException {
        send(line);
        return readLine();
    }

    /** One reply line without its CRLF; null at end of stream. */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                assertThat(bytes.length).as("line ends in CRLF").isPositive();
                assertThat(bytes[bytes.length - 1]).as("line ends in CRLF").isEqualTo((byte) '\r');
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        assertThat(line.size()).as("no partial line before end of stream").isZero();
        return null;
    }

    /** The lines of a multi-line reply body after its status line, un-stuffed, up to the "." line. */
    List<String> readBody() throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        while (!(line = readLine()).equals(".")) lines.add(line.startsWith(".") ? line.substring(1) : line);
        return lines;
    }

    /** The raw lines of a multi-line reply up to and including ".", without un-stuffing. */
    List<String> readRawBody() throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        do {
            line = readLine();
            lines.add(line);
        } while (!line.equals("."));
        return lines;
    }

    /** True when the server closed the connection (end of stream, or a reset). */
    boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // connection reset
        }
    }

    void login(String user, String password) throws IOException {
        assertThat(command("USER " + user)).startsWith("+OK");
        assertThat(command("PASS " + password)).startsWith("+OK");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
