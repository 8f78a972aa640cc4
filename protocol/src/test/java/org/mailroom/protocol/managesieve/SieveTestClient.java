package org.mailroom.protocol.managesieve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A line-level ManageSieve client over a real socket; every server line must end in CRLF. */
final class SieveTestClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    SieveTestClient(InetSocketAddress address) throws IOException {
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(10_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    void send(String line) throws IOException {
        sendRaw(line + "\r\n");
    }

    void sendRaw(String text) throws IOException {
        sendBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends a command and returns every line up to and including the final OK, NO or BYE. */
    List<String> command(String line) throws IOException {
        send(line);
        return response();
    }

    /** Lines up to and including the one that starts with OK, NO or BYE; a literal's lines are kept as they come. */
    List<String> response() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine();
            assertThat(line).as("response ended early: " + lines).isNotNull();
            lines.add(line);
            if (line.startsWith("OK") || line.startsWith("NO") || line.startsWith("BYE")) return lines;
            if (line.matches(".*\\{\\d+}$")) {
                int n = Integer.parseInt(line.substring(line.lastIndexOf('{') + 1, line.length() - 1));
                lines.add(new String(in.readNBytes(n), StandardCharsets.UTF_8));
            }
        }
    }

    /** The last line of the response. */
    String last(String line) throws IOException {
        List<String> lines = command(line);
        return lines.get(lines.size() - 1);
    }

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
        return null;
    }

    /** True once the server closed the connection. */
    boolean closed() throws IOException {
        return in.read() == -1;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
