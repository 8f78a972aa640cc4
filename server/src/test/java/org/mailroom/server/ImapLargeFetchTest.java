package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.MailStore;

/**
 * Sections larger than FETCH's streaming threshold (256 KiB) are sent from the blob a chunk at a time: the bytes,
 * partials and the items around them must be exactly those of a small fetch.
 */
class ImapLargeFetchTest {

    @TempDir
    Path data;
    TestServer server;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(data);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void largeSectionsAndPartialsAreStreamedByteForByte() throws Exception {
        byte[] message = message(3 * 1024 * 1024 + 17);
        deliver(message);
        int headerEnd = indexOf(message, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII)) + 4;

        try (Socket socket = new Socket(server.imap().getAddress(), server.imap().getPort())) {
            socket.setSoTimeout(20_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            line(in);
            command(out, in, "a LOGIN alice@example.test secret");
            command(out, in, "b SELECT INBOX");
            out.write("c FETCH 1 (UID BODY.PEEK[] BODY.PEEK[TEXT]<1000.400000> RFC822.SIZE)\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();

            assertThat(line(in)).isEqualTo("* 1 FETCH (UID 1 BODY[] {" + message.length + "}");
            assertThat(in.readNBytes(message.length)).isEqualTo(message);
            assertThat(line(in)).isEqualTo(" BODY[TEXT]<1000> {400000}");
            assertThat(in.readNBytes(400000))
                    .isEqualTo(Arrays.copyOfRange(message, headerEnd + 1000, headerEnd + 1000 + 400000));
            assertThat(line(in)).isEqualTo(" RFC822.SIZE " + message.length + ")");
            assertThat(line(in)).startsWith("c OK");
            command(out, in, "d NOOP");
        }
    }

    private void deliver(byte[] bytes) throws IOException {
        String blob;
        try (var writer = server.server.storage().blobStore().create()) {
            writer.write(bytes);
            blob = writer.commit();
        }
        server.server.storage().mailStore().deliver(new MailStore.NewMessage(blob, bytes.length, Instant.now()),
                List.of(MailStore.Target.inbox("alice@example.test")));
    }

    /** A header and numbered lines, so that any misplaced chunk shows. */
    private static byte[] message(int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.writeBytes("Subject: large\r\nFrom: bob@example.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; out.size() < size - 80; i++) {
            out.writeBytes(String.format("line %09d %s\r\n", i, "y".repeat(60)).getBytes(StandardCharsets.US_ASCII));
        }
        while (out.size() < size - 2) out.write('z');
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static void command(OutputStream out, InputStream in, String command) throws IOException {
        out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String tag = command.substring(0, command.indexOf(' '));
        String line;
        while (!(line = line(in)).startsWith(tag + " ")) {
            assertThat(line).startsWith("*");
        }
        assertThat(line).startsWith(tag + " OK");
    }

    /** One line without its CRLF, read byte by byte so that a literal after it stays in the stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) throw new IOException("connection closed after: " + line);
            line.write(b);
        }
        byte[] bytes = line.toByteArray();
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] data, byte[] what) {
        outer:
        for (int i = 0; i <= data.length - what.length; i++) {
            for (int j = 0; j < what.length; j++) if (data[i + j] != what[j]) continue outer;
            return i;
        }
        return -1;
    }
}
